// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title INetworkRegistry
/// @notice Ecosystems ("networks") of business partners and their members.
/// @dev One address may belong to many networks, with a different role in each.
interface INetworkRegistry {
    /// @notice How a network admits members, after the four partner-network types.
    enum NetworkKind {
        /// Any active member (or the operator) admits a newcomer.
        PeerToPeer,
        /// Only the operator admits.
        VendorLed,
        /// Only the operator admits.
        DistributorLed,
        /// Open: anyone who joins is admitted at once.
        Marketplace
    }

    /// @notice The part a member plays in one network.
    enum MemberRole {
        Vendor,
        ReferralPartner,
        Distributor
    }

    /// @notice Where a member stands in one network.
    enum MemberStatus {
        None,
        Pending,
        Active,
        Suspended
    }

    /// @notice A network's settings, as returned by {network}.
    struct Network {
        address operator;
        NetworkKind kind;
        uint16 feeBps;
        address feeRecipient;
        address pendingOperator;
    }

    /// @notice A membership, as returned by {membership}.
    struct Membership {
        MemberStatus status;
        MemberRole role;
        uint40 since;
        /// Set when the account left while suspended: only the operator may admit it again.
        bool awaitsReinstatement;
    }

    /// @notice Emitted when `operator` creates network `networkId`.
    event NetworkCreated(
        uint256 indexed networkId,
        address indexed operator,
        NetworkKind kind,
        address feeRecipient,
        uint16 feeBps,
        string metadataURI
    );

    /// @notice Emitted when the operator changes the fee terms offered to agreements proposed from now on.
    event NetworkFeeUpdated(uint256 indexed networkId, address feeRecipient, uint16 feeBps);

    /// @notice Emitted when the operator replaces the network's metadata URI.
    event NetworkMetadataUpdated(uint256 indexed networkId, string metadataURI);

    /// @notice Emitted when the operator offers the operator role to `newOperator` (zero cancels the offer).
    event OperatorTransferStarted(uint256 indexed networkId, address indexed operator, address indexed newOperator);

    /// @notice Emitted when `newOperator` accepts the operator role.
    event OperatorTransferred(uint256 indexed networkId, address indexed previousOperator, address indexed newOperator);

    /// @notice Emitted when `account` asks to join with `role`; admission follows in {MemberAdmitted}.
    event MembershipRequested(uint256 indexed networkId, address indexed account, MemberRole role, string metadataURI);

    /// @notice Emitted when `account` becomes an active member, admitted by `admittedBy` (itself in an open network).
    event MemberAdmitted(uint256 indexed networkId, address indexed account, address indexed admittedBy);

    /// @notice Emitted when an admitter turns down `account`'s pending request.
    event MembershipDeclined(uint256 indexed networkId, address indexed account, address indexed declinedBy);

    /// @notice Emitted when the operator suspends `account`.
    event MemberSuspended(uint256 indexed networkId, address indexed account, address indexed operator);

    /// @notice Emitted when the operator reinstates `account`.
    event MemberReinstated(uint256 indexed networkId, address indexed account, address indexed operator);

    /// @notice Emitted when `account` leaves the network (or withdraws its request).
    event MemberLeft(uint256 indexed networkId, address indexed account);

    /// @notice Emitted when a member replaces its metadata URI.
    event MemberMetadataUpdated(uint256 indexed networkId, address indexed account, string metadataURI);

    /// @notice Thrown when no network has id `networkId`.
    error UnknownNetwork(uint256 networkId);

    /// @notice Thrown when a network fee rate is above {MAX_NETWORK_FEE_BPS}.
    error NetworkFeeTooHigh(uint16 feeBps, uint16 maxFeeBps);

    /// @notice Thrown when a network is given the zero address as fee recipient.
    error ZeroFeeRecipient();

    /// @notice Thrown when the zero address is offered the operator role; use {cancelOperatorTransfer}.
    error ZeroOperator();

    /// @notice Thrown when `caller` is not the operator of `networkId`.
    error NotNetworkOperator(uint256 networkId, address caller);

    /// @notice Thrown when `caller` is not the pending operator of `networkId`.
    error NotPendingOperator(uint256 networkId, address caller);

    /// @notice Thrown when `caller` may not admit members to `networkId` (see {NetworkKind}).
    error NotAllowedToAdmit(uint256 networkId, address caller);

    /// @notice Thrown when `account` already has a membership (of `status`) in `networkId`.
    error AlreadyMember(uint256 networkId, address account, MemberStatus status);

    /// @notice Thrown when `account` has no membership in `networkId`.
    error NotMember(uint256 networkId, address account);

    /// @notice Thrown when `account`'s membership of `networkId` is `status`, not the one the call needs.
    error UnexpectedMemberStatus(uint256 networkId, address account, MemberStatus status);

    /// @notice Thrown when `account` must be an active member of `networkId` and is not.
    error MemberNotActive(uint256 networkId, address account);

    /// @notice Creates a network; the caller becomes its operator.
    /// @dev The fee terms are offered to agreements proposed in this network; each agreement freezes them.
    /// @param kind How members are admitted.
    /// @param feeRecipient Who collects the network fee of agreements proposed from now on.
    /// @param feeBps Network fee in basis points of each payment, at most {MAX_NETWORK_FEE_BPS}.
    /// @param metadataURI Where the network's name and description are published.
    /// @return networkId The new network's id (ids start at 1).
    function createNetwork(NetworkKind kind, address feeRecipient, uint16 feeBps, string calldata metadataURI)
        external
        returns (uint256 networkId);

    /// @notice Sets the fee terms that agreements proposed from now on will carry. Operator only.
    /// @dev IMPORTANT: agreements already proposed keep the terms their parties signed.
    function setNetworkFee(uint256 networkId, address feeRecipient, uint16 feeBps) external;

    /// @notice Replaces the network's metadata URI. Operator only.
    function setNetworkMetadata(uint256 networkId, string calldata metadataURI) external;

    /// @notice Offers the operator role to `newOperator`, who must accept it. Operator only.
    function transferOperator(uint256 networkId, address newOperator) external;

    /// @notice Withdraws a pending offer of the operator role. Operator only.
    function cancelOperatorTransfer(uint256 networkId) external;

    /// @notice Accepts the operator role offered to the caller.
    function acceptOperator(uint256 networkId) external;

    /// @notice Registers the caller in `networkId` with `role`.
    /// @dev The membership is active at once when the caller could admit itself (an open network, or the
    /// operator); otherwise it waits as pending for an admitter's {admit}. An account that left while
    /// suspended always waits, and only the operator may admit it: leaving never lifts a suspension.
    function join(uint256 networkId, MemberRole role, string calldata metadataURI) external;

    /// @notice Admits `account`'s pending request. Who may admit depends on the network's kind; an account
    /// that left while suspended is admitted by the operator only.
    function admit(uint256 networkId, address account) external;

    /// @notice Turns down `account`'s pending request. Same callers as {admit}.
    function decline(uint256 networkId, address account) external;

    /// @notice Suspends an active member: it can no longer be named as referrer, party or admitter. Operator only.
    /// @dev IMPORTANT: suspension never touches what the member has earned or will earn from active agreements.
    function suspend(uint256 networkId, address account) external;

    /// @notice Reinstates a suspended member. Operator only.
    function reinstate(uint256 networkId, address account) external;

    /// @notice Ends the caller's membership (or request), whatever its status. Always allowed; leaving while
    /// suspended is remembered, so that only the operator can let the account back in.
    function leave(uint256 networkId) external;

    /// @notice Replaces the caller's metadata URI in `networkId`.
    function setMemberMetadata(uint256 networkId, string calldata metadataURI) external;

    /// @notice The settings of `networkId`.
    function network(uint256 networkId) external view returns (Network memory);

    /// @notice `account`'s membership of `networkId` (status None when it has none).
    function membership(uint256 networkId, address account) external view returns (Membership memory);

    /// @notice How many networks exist; their ids run from 1 to this number.
    function networkCount() external view returns (uint256);
}
