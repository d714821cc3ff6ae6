// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IRevenueAgreements
/// @notice Revenue-sharing agreements that every party signs before they take a payment.
/// @dev Each version of an agreement has its own id. Versions of one agreement form a lineage (the id of
/// its first proposal). An amendment is a new version that names the active version it replaces, and
/// replaces it only once every party has accepted it. A counter-proposal answers a pending version; the
/// first version of a negotiation that every party accepts activates, and the others can no longer.
interface IRevenueAgreements {
    /// @notice Where an agreement stands.
    enum AgreementStatus {
        None,
        /// Proposed, waiting for acceptances.
        Pending,
        /// Every party accepted: it takes payments within its validity window.
        Active,
        /// Replaced by an amendment that became active, or (while pending) outrun by a competing version
        /// that activated first. Earnings stay collectable.
        Superseded,
        /// Ended by a party. Earnings stay collectable.
        Terminated
    }

    /// @notice One party of an agreement and its share of the vendor pool, in basis points.
    struct Party {
        address account;
        uint16 shareBps;
    }

    /// @notice A loyalty and trust tier: once a referrer's earned volume under the agreement's lineage (credited
    /// payments: held ones once released, never refunded ones) has reached `fromVolume` (before a payment), that
    /// payment's referral fee is `feeBps` and it is held for `holdbackPeriod` seconds.
    struct ReferralTier {
        uint128 fromVolume;
        uint16 feeBps;
        /// At most the tier below's (the agreement's `holdbackPeriod` for the first tier): trust only shortens
        /// the holdback. 0 credits the payment at once; it can then no longer be refunded.
        uint32 holdbackPeriod;
    }

    /// @notice The terms every party signs; also the EIP-712 `AgreementTerms` struct, field for field.
    struct AgreementTerms {
        uint256 networkId;
        /// The payment asset: address(0) for native ETH, else one ERC-20 token.
        address asset;
        /// Shares sum to 10,000; a party may hold 0 (it must still accept, e.g. to leave by amendment).
        Party[] parties;
        /// Basis points of each payment paid to the referrer, when the customer names one (the base tier).
        uint16 referralFeeBps;
        /// Higher tiers by referred volume, `fromVolume` strictly ascending and above 0; may be empty.
        ReferralTier[] referralTiers;
        /// Who may refer customers: a bitmask of `1 << MemberRole` (0: any active member). A marketplace sets
        /// `1 << ReferralPartner` so that only admitted referral partners earn referral fees.
        uint8 referrerRoles;
        /// The network's fee rate when proposed; must equal the network's current one.
        uint16 networkFeeBps;
        /// The network's fee recipient when proposed; must equal the network's current one.
        address feeRecipient;
        /// First second (unix time) at which payments are taken.
        uint32 validFrom;
        /// Last second (unix time) at which payments are taken.
        uint32 validUntil;
        /// Seconds each payment stays pending (refundable) before its split is credited; 0 for none. A payment
        /// whose referrer reached a tier is held for that tier's `holdbackPeriod` instead (never longer).
        uint32 holdbackPeriod;
        /// The party that may refund a held payment; address(0) when there is no holdback.
        address refunder;
        /// Hash of the human-readable agreement published at `termsURI`.
        bytes32 termsHash;
        string termsURI;
    }

    /// @notice An acceptance signed off-chain by `signer` (EIP-712 `AcceptAgreement`, EOA or ERC-1271).
    struct SignedAcceptance {
        address signer;
        uint256 deadline;
        bytes signature;
    }

    /// @notice An agreement's state, as returned by {agreement}.
    struct AgreementView {
        uint256 networkId;
        address asset;
        AgreementStatus status;
        uint32 version;
        uint256 previousId;
        uint16 referralFeeBps;
        uint16 networkFeeBps;
        address feeRecipient;
        uint32 validFrom;
        uint32 validUntil;
        uint8 referrerRoles;
        uint16 partyCount;
        uint16 pendingAcceptances;
        /// The lineage this version belongs to: the id of its first proposal.
        uint256 lineageId;
        uint32 holdbackPeriod;
        address refunder;
        /// Payments held and neither released nor refunded yet.
        uint32 heldPayments;
        /// Struct hash of the EIP-712 `AgreementTerms` every party signs.
        bytes32 termsDigest;
        /// Cumulative vendor pool: what all payments left for the parties after fees.
        uint128 vendorPool;
        /// Cumulative network fees.
        uint128 networkFees;
        /// Network fees already collected by the fee recipient.
        uint128 networkFeesCollected;
    }

    /// @notice Emitted when `proposer` proposes agreement `agreementId` (an amendment when `previousId` is not 0).
    event AgreementProposed(
        uint256 indexed agreementId,
        uint256 indexed networkId,
        address indexed proposer,
        uint256 previousId,
        uint32 version,
        AgreementTerms terms
    );

    /// @notice Emitted when `author` answers pending version `counteredId` with the counter-proposal `agreementId`
    /// (its terms are in the {AgreementProposed} emitted just before).
    event AgreementCountered(uint256 indexed agreementId, uint256 indexed counteredId, address indexed author);

    /// @notice Emitted when `party` accepts `agreementId`, by transaction or by a submitted signature.
    event AgreementAccepted(uint256 indexed agreementId, address indexed party, bool bySignature);

    /// @notice Emitted when every party has accepted `agreementId`; from now on it takes payments.
    event AgreementActivated(uint256 indexed agreementId, uint256 indexed previousId);

    /// @notice Emitted when the amendment `agreementId` replaces `previousId`, which takes no more payments.
    event AgreementSuperseded(uint256 indexed previousId, uint256 indexed agreementId);

    /// @notice Emitted when `party` terminates `agreementId`. Earnings stay collectable.
    event AgreementTerminated(uint256 indexed agreementId, address indexed party);

    /// @notice Emitted when `author` cancels its counter-proposal nonce `nonce`: a signature that uses it can no
    /// longer be submitted.
    event CounterNonceInvalidated(address indexed author, uint256 nonce);

    /// @notice Thrown when no agreement has id `agreementId`.
    error UnknownAgreement(uint256 agreementId);

    /// @notice Thrown when an agreement has no parties or more than {MAX_PARTIES}.
    error InvalidPartyCount(uint256 count, uint256 maxParties);

    /// @notice Thrown when a party is the zero address.
    error ZeroAddressParty();

    /// @notice Thrown when `account` is named twice among the parties.
    error DuplicateParty(address account);

    /// @notice Thrown when the parties' shares add up to `sum` instead of 10,000.
    error SharesDoNotSumToWhole(uint256 sum);

    /// @notice Thrown when a referral fee rate is above {MAX_REFERRAL_FEE_BPS}.
    error ReferralFeeTooHigh(uint16 referralFeeBps, uint16 maxReferralFeeBps);

    /// @notice Thrown when a validity window is empty or already over.
    error InvalidValidityWindow(uint32 validFrom, uint32 validUntil);

    /// @notice Thrown when the payment asset is neither address(0) (ETH) nor a contract.
    error AssetNotAContract(address asset);

    /// @notice Thrown when the proposed network fee terms are not the network's current ones (it changed them).
    error NetworkFeeTermsChanged(address feeRecipient, uint16 feeBps);

    /// @notice Thrown when `proposer` is neither an active member nor the operator of the network.
    error NotAllowedToPropose(uint256 networkId, address proposer);

    /// @notice Thrown when an amendment names another network than the agreement it amends.
    error AmendmentChangesNetwork(uint256 previousNetworkId, uint256 networkId);

    /// @notice Thrown when an amendment or counter-proposal names another asset than the version it follows:
    /// referral volumes and tier thresholds are counted in the lineage's one asset.
    error AmendmentChangesAsset(address previousAsset, address asset);

    /// @notice Thrown when `referrerRoles` names a role that does not exist.
    error InvalidReferrerRoles(uint8 referrerRoles);

    /// @notice Thrown when an amendment leaves out `party` of the version it amends (give it a 0 share instead).
    error AmendmentDropsParty(address party);

    /// @notice Thrown when `agreementId` is `status`, not the status the call needs.
    error UnexpectedAgreementStatus(uint256 agreementId, AgreementStatus status);

    /// @notice Thrown when `account` is not a party of `agreementId`.
    error NotAgreementParty(uint256 agreementId, address account);

    /// @notice Thrown when referral tier `index` is out of order, starts at 0 or exceeds the fee cap, or there
    /// are more than {MAX_REFERRAL_TIERS}.
    error InvalidReferralTier(uint256 index);

    /// @notice Thrown when referral tier `index` holds payments for `holdbackPeriod` seconds, longer than
    /// `maxHoldbackPeriod`, the holdback of the tier below it (the agreement's for the first tier): a higher tier
    /// may only shorten the holdback.
    error ReferralTierHoldbackTooLong(uint256 index, uint32 holdbackPeriod, uint32 maxHoldbackPeriod);

    /// @notice Thrown when a holdback period is above {MAX_HOLDBACK_PERIOD}.
    error HoldbackTooLong(uint32 holdbackPeriod, uint32 maxHoldbackPeriod);

    /// @notice Thrown when the refunder is not a party of an agreement with a holdback, or is set without one.
    error InvalidRefunder(address refunder);

    /// @notice Thrown when pending version `agreementId` can no longer activate: `activeId`, a competing
    /// version of its negotiation, activated first.
    error NegotiationSettled(uint256 agreementId, uint256 activeId);

    /// @notice Thrown when a counter-proposal signature is not `author`'s.
    error InvalidCounterSignature(address author);

    /// @notice Thrown when `author`'s counter-proposal nonce `nonce` was already used or cancelled.
    error CounterNonceUsed(address author, uint256 nonce);

    /// @notice Thrown when `author`'s counter-proposal signature expired at `deadline`.
    error CounterSignatureExpired(address author, uint256 deadline);

    /// @notice Thrown when `party` has already accepted `agreementId`.
    error AlreadyAccepted(uint256 agreementId, address party);

    /// @notice Thrown when `signer`'s acceptance signature expired at `deadline`.
    error AcceptanceExpired(uint256 agreementId, address signer, uint256 deadline);

    /// @notice Thrown when a signature is not `signer`'s acceptance of this version of `agreementId`
    /// on this chain and contract.
    error InvalidAcceptanceSignature(uint256 agreementId, address signer);

    /// @notice Proposes an agreement in `terms.networkId`. The caller must be an active member or the operator.
    /// @dev The network's fee terms are frozen into the agreement. A proposer who is a party accepts
    /// by proposing; an agreement whose only acceptance is the proposer's is active at once.
    /// @return agreementId The new agreement's id (ids start at 1).
    function propose(AgreementTerms calldata terms) external returns (uint256 agreementId);

    /// @notice Proposes a new version of the active agreement `previousId`.
    /// @dev Every party of `previousId` must be among the new parties (a 0 share lets one leave), so every
    /// party of the old version accepts the new one. Once active, it supersedes `previousId`.
    function proposeAmendment(uint256 previousId, AgreementTerms calldata terms)
        external
        returns (uint256 agreementId);

    /// @notice Answers pending version `counteredId` with new terms, as the caller (a party of it).
    /// @dev The counter replaces the same active version as `counteredId` (if any) once active, keeps every
    /// party of `counteredId` (a 0 share lets one leave), and counts as the caller's acceptance of it.
    function counterPropose(uint256 counteredId, AgreementTerms calldata terms) external returns (uint256 agreementId);

    /// @notice Like {counterPropose} for `author`, who signed the EIP-712 `CounterProposal` off-chain.
    /// Anyone may submit it; a signature creates one counter-proposal only.
    /// @dev Nonces are unordered (any unused uint256, e.g. random): an author may have several signed counters
    /// outstanding and cancel any one with {invalidateCounterNonce}.
    function counterProposeWithSignature(
        uint256 counteredId,
        AgreementTerms calldata terms,
        address author,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external returns (uint256 agreementId);

    /// @notice Cancels the caller's counter-proposal nonce `nonce`, so a counter it signed with it can never be
    /// submitted.
    function invalidateCounterNonce(uint256 nonce) external;

    /// @notice Whether `author`'s counter-proposal nonce `nonce` was used or cancelled.
    function isCounterNonceUsed(address author, uint256 nonce) external view returns (bool);

    /// @notice Accepts pending agreement `agreementId` as the caller, a party of it.
    /// @dev IMPORTANT: the acceptance that completes the set activates the agreement only if every party is
    /// still an active member of the network at that moment. A network's operator who suspends a party before
    /// then (or a party who leaves) therefore keeps fully signed terms from taking effect: admission control
    /// covers entering agreements, by design. Once active, an agreement no longer depends on the operator: a
    /// later suspension stops neither its payments nor any party's earnings.
    function accept(uint256 agreementId) external;

    /// @notice Records parties' signed acceptances of `agreementId`; anyone may submit them.
    /// @dev A signature binds the chain, this contract, the signer, the agreement id, its version, its full
    /// terms and a deadline. Activation needs every party to be an active member then (see {accept}). Acceptances already
    /// recorded (e.g. submitted first by someone else) are skipped; a batch whose acceptances were all recorded
    /// and activated the agreement succeeds without effect.
    function acceptWithSignatures(uint256 agreementId, SignedAcceptance[] calldata acceptances) external;

    /// @notice Ends pending or active agreement `agreementId`. Any party may. Earnings stay collectable.
    function terminate(uint256 agreementId) external;

    /// @notice The state of `agreementId`.
    function agreement(uint256 agreementId) external view returns (AgreementView memory);

    /// @notice The parties of `agreementId` and their shares, in the order proposed.
    function partiesOf(uint256 agreementId) external view returns (Party[] memory);

    /// @notice Whether `account` has accepted `agreementId`.
    function hasAccepted(uint256 agreementId, address account) external view returns (bool);

    /// @notice The EIP-712 digest `signer` signs to accept `agreementId` with `deadline`.
    function acceptanceDigest(uint256 agreementId, address signer, uint256 deadline) external view returns (bytes32);

    /// @notice The referral tiers of `agreementId` above its base rate.
    function referralTiersOf(uint256 agreementId) external view returns (ReferralTier[] memory);

    /// @notice The active version of lineage `lineageId` (0 while none has activated).
    function activeVersionOf(uint256 lineageId) external view returns (uint256);

    /// @notice The EIP-712 digest `author` signs to counter `counteredId` with `terms`, `nonce` and `deadline`.
    function counterProposalDigest(
        uint256 counteredId,
        AgreementTerms calldata terms,
        address author,
        uint256 nonce,
        uint256 deadline
    ) external view returns (bytes32);

    /// @notice How many agreements exist; their ids run from 1 to this number.
    function agreementCount() external view returns (uint256);
}
