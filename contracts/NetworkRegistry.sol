// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {INetworkRegistry} from "./interfaces/INetworkRegistry.sol";

/// @title NetworkRegistry
/// @notice Networks, their operators, fee terms and members. Holds no money.
/// @dev An operator governs admission, suspension and the fee terms offered to future agreements; it has no
/// power over any agreement already proposed nor over any balance.
abstract contract NetworkRegistry is INetworkRegistry {
    /// @notice The highest network fee: 10% of each payment.
    uint16 public constant MAX_NETWORK_FEE_BPS = 1_000;

    uint256 private _networkCount;
    mapping(uint256 networkId => Network) private _networks;
    mapping(uint256 networkId => mapping(address account => Membership)) internal _memberships;

    /// @inheritdoc INetworkRegistry
    function createNetwork(NetworkKind kind, address feeRecipient, uint16 feeBps, string calldata metadataURI)
        external
        returns (uint256 networkId)
    {
        _checkFeeTerms(feeRecipient, feeBps);
        networkId = ++_networkCount;
        _networks[networkId] =
            Network({operator: msg.sender, kind: kind, feeBps: feeBps, feeRecipient: feeRecipient, pendingOperator: address(0)});
        emit NetworkCreated(networkId, msg.sender, kind, feeRecipient, feeBps, metadataURI);
    }

    /// @inheritdoc INetworkRegistry
    function setNetworkFee(uint256 networkId, address feeRecipient, uint16 feeBps) external {
        Network storage net = _operatedNetwork(networkId);
        _checkFeeTerms(feeRecipient, feeBps);
        net.feeRecipient = feeRecipient;
        net.feeBps = feeBps;
        emit NetworkFeeUpdated(networkId, feeRecipient, feeBps);
    }

    /// @inheritdoc INetworkRegistry
    function setNetworkMetadata(uint256 networkId, string calldata metadataURI) external {
        _operatedNetwork(networkId);
        emit NetworkMetadataUpdated(networkId, metadataURI);
    }

    /// @inheritdoc INetworkRegistry
    function transferOperator(uint256 networkId, address newOperator) external {
        Network storage net = _operatedNetwork(networkId);
        if (newOperator == address(0)) revert ZeroOperator();
        net.pendingOperator = newOperator;
        emit OperatorTransferStarted(networkId, msg.sender, newOperator);
    }

    /// @inheritdoc INetworkRegistry
    function cancelOperatorTransfer(uint256 networkId) external {
        Network storage net = _operatedNetwork(networkId);
        delete net.pendingOperator;
        emit OperatorTransferStarted(networkId, msg.sender, address(0));
    }

    /// @inheritdoc INetworkRegistry
    function acceptOperator(uint256 networkId) external {
        Network storage net = _existingNetwork(networkId);
        if (net.pendingOperator != msg.sender) revert NotPendingOperator(networkId, msg.sender);
        address previousOperator = net.operator;
        net.operator = msg.sender;
        delete net.pendingOperator;
        emit OperatorTransferred(networkId, previousOperator, msg.sender);
    }

    /// @inheritdoc INetworkRegistry
    function join(uint256 networkId, MemberRole role, string calldata metadataURI) external {
        Network storage net = _existingNetwork(networkId);
        Membership storage member = _memberships[networkId][msg.sender];
        if (member.status != MemberStatus.None) revert AlreadyMember(networkId, msg.sender, member.status);
        member.role = role;
        member.since = uint40(block.timestamp);
        emit MembershipRequested(networkId, msg.sender, role, metadataURI);
        if (!member.awaitsReinstatement && _canAdmit(net, networkId, msg.sender)) {
            member.status = MemberStatus.Active;
            emit MemberAdmitted(networkId, msg.sender, msg.sender);
        } else {
            member.status = MemberStatus.Pending;
        }
    }

    /// @inheritdoc INetworkRegistry
    function admit(uint256 networkId, address account) external {
        Membership storage member = _pendingRequest(networkId, account);
        member.status = MemberStatus.Active;
        member.since = uint40(block.timestamp);
        member.awaitsReinstatement = false;
        emit MemberAdmitted(networkId, account, msg.sender);
    }

    /// @inheritdoc INetworkRegistry
    function decline(uint256 networkId, address account) external {
        _endMembership(networkId, account, _pendingRequest(networkId, account).awaitsReinstatement);
        emit MembershipDeclined(networkId, account, msg.sender);
    }

    /// @inheritdoc INetworkRegistry
    function suspend(uint256 networkId, address account) external {
        _operatedNetwork(networkId);
        _setStatus(networkId, account, MemberStatus.Active, MemberStatus.Suspended);
        emit MemberSuspended(networkId, account, msg.sender);
    }

    /// @inheritdoc INetworkRegistry
    function reinstate(uint256 networkId, address account) external {
        _operatedNetwork(networkId);
        _setStatus(networkId, account, MemberStatus.Suspended, MemberStatus.Active);
        emit MemberReinstated(networkId, account, msg.sender);
    }

    /// @inheritdoc INetworkRegistry
    function leave(uint256 networkId) external {
        _existingMembership(networkId, msg.sender);
        Membership storage member = _memberships[networkId][msg.sender];
        _endMembership(networkId, msg.sender, member.status == MemberStatus.Suspended || member.awaitsReinstatement);
        emit MemberLeft(networkId, msg.sender);
    }

    /// @inheritdoc INetworkRegistry
    function setMemberMetadata(uint256 networkId, string calldata metadataURI) external {
        _existingMembership(networkId, msg.sender);
        emit MemberMetadataUpdated(networkId, msg.sender, metadataURI);
    }

    /// @inheritdoc INetworkRegistry
    function network(uint256 networkId) external view returns (Network memory) {
        return _existingNetwork(networkId);
    }

    /// @inheritdoc INetworkRegistry
    function membership(uint256 networkId, address account) external view returns (Membership memory) {
        return _memberships[networkId][account];
    }

    /// @inheritdoc INetworkRegistry
    function networkCount() external view returns (uint256) {
        return _networkCount;
    }

    /// @dev Whether `account` is an active member of `networkId`. Unknown networks have no members.
    function _isActiveMember(uint256 networkId, address account) internal view returns (bool) {
        return _memberships[networkId][account].status == MemberStatus.Active;
    }

    /// @dev Reverts with {MemberNotActive} unless `account` is an active member of `networkId`.
    function _requireActiveMember(uint256 networkId, address account) internal view {
        if (!_isActiveMember(networkId, account)) revert MemberNotActive(networkId, account);
    }

    /// @dev The network `networkId`, which must exist.
    function _existingNetwork(uint256 networkId) internal view returns (Network storage net) {
        net = _networks[networkId];
        if (net.operator == address(0)) revert UnknownNetwork(networkId);
    }

    /// @dev The network `networkId`, whose operator must be the caller.
    function _operatedNetwork(uint256 networkId) private view returns (Network storage net) {
        net = _existingNetwork(networkId);
        if (net.operator != msg.sender) revert NotNetworkOperator(networkId, msg.sender);
    }

    /// @dev `account`'s pending request to `networkId`, which the caller must be allowed to answer (only the
    /// operator answers an account that left while suspended).
    function _pendingRequest(uint256 networkId, address account) private view returns (Membership storage member) {
        Network storage net = _existingNetwork(networkId);
        member = _memberships[networkId][account];
        bool allowed = member.awaitsReinstatement ? msg.sender == net.operator : _canAdmit(net, networkId, msg.sender);
        if (!allowed) revert NotAllowedToAdmit(networkId, msg.sender);
        if (member.status != MemberStatus.Pending) {
            revert UnexpectedMemberStatus(networkId, account, member.status);
        }
    }

    /// @dev `account`'s membership of the existing network `networkId`, which must not be None.
    function _existingMembership(uint256 networkId, address account) private view {
        _existingNetwork(networkId);
        if (_memberships[networkId][account].status == MemberStatus.None) revert NotMember(networkId, account);
    }

    /// @dev Clears `account`'s membership, remembering a suspension the operator has not lifted.
    function _endMembership(uint256 networkId, address account, bool awaitsReinstatement) private {
        delete _memberships[networkId][account];
        if (awaitsReinstatement) _memberships[networkId][account].awaitsReinstatement = true;
    }

    /// @dev Moves `account` from status `from` to status `to`.
    function _setStatus(uint256 networkId, address account, MemberStatus from, MemberStatus to) private {
        Membership storage member = _memberships[networkId][account];
        if (member.status != from) revert UnexpectedMemberStatus(networkId, account, member.status);
        member.status = to;
    }

    /// @dev Who may admit, by kind: the operator always; in a peer-to-peer network any active member too; in a
    /// marketplace anyone.
    function _canAdmit(Network storage net, uint256 networkId, address account) private view returns (bool) {
        if (account == net.operator || net.kind == NetworkKind.Marketplace) return true;
        return net.kind == NetworkKind.PeerToPeer && _isActiveMember(networkId, account);
    }

    function _checkFeeTerms(address feeRecipient, uint16 feeBps) private pure {
        if (feeRecipient == address(0)) revert ZeroFeeRecipient();
        if (feeBps > MAX_NETWORK_FEE_BPS) revert NetworkFeeTooHigh(feeBps, MAX_NETWORK_FEE_BPS);
    }
}
