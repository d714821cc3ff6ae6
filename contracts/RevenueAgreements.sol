// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

import {IRevenueAgreements} from "./interfaces/IRevenueAgreements.sol";
import {AgreementHashing} from "./libraries/AgreementHashing.sol";
import {SplitMath} from "./libraries/SplitMath.sol";
import {NetworkRegistry} from "./NetworkRegistry.sol";

/// @title RevenueAgreements
/// @notice Proposal, negotiation, acceptance (by transaction or EIP-712/ERC-1271 signature), amendment and
/// termination of revenue-sharing agreements between members of one network.
abstract contract RevenueAgreements is IRevenueAgreements, NetworkRegistry, EIP712, Nonces {
    /// @notice The most parties one agreement can have. Proposing one costs about 2.7M gas and activating
    /// it with 50 signatures about 1.3M, well under the 16,777,216 gas a transaction may use (EIP-7825);
    /// see bench/gas.md.
    uint256 public constant MAX_PARTIES = 50;

    /// @notice The highest referral fee: 50% of each payment.
    uint16 public constant MAX_REFERRAL_FEE_BPS = 5_000;

    /// @notice The most referral tiers above the base rate.
    uint256 public constant MAX_REFERRAL_TIERS = 8;

    /// @notice The longest holdback period: 180 days.
    uint32 public constant MAX_HOLDBACK_PERIOD = 180 days;

    /// @dev One version of an agreement. Fields are ordered so a payment reads three slots and writes one.
    struct Agreement {
        // slot 0: read by every payment
        address asset;
        uint48 networkId;
        uint16 referralFeeBps;
        uint16 networkFeeBps;
        AgreementStatus status;
        // slot 1: read by every payment
        uint40 validFrom;
        uint40 validUntil;
        uint32 version;
        uint16 partyCount;
        uint16 pendingAcceptances;
        uint32 holdbackPeriod;
        uint8 tierCount;
        uint32 heldPayments;
        // slot 2: written by every payment
        uint128 vendorPool;
        uint128 networkFees;
        // what held payments will add to slot 2 once released: counted when held, so a release always fits
        uint128 heldVendorShares;
        uint128 heldNetworkFees;
        // the rest: read when collecting, accepting, refunding or paying a tiered rate
        address feeRecipient;
        address refunder;
        uint128 networkFeesCollected;
        bytes32 termsDigest;
        uint256 previousId;
        uint256 lineageId;
        address[] parties;
        ReferralTier[] referralTiers;
    }

    /// @dev An account's place in one agreement: its slice of the vendor pool, what it has collected of it,
    /// and whether it collects the network fee.
    struct Position {
        uint128 collected;
        uint16 shareStart;
        uint16 shareBps;
        bool isParty;
        bool accepted;
        bool isFeeRecipient;
    }

    uint256 private _agreementCount;
    mapping(uint256 agreementId => Agreement) internal _agreements;
    mapping(uint256 agreementId => mapping(address account => Position)) internal _positions;
    mapping(uint256 lineageId => uint256 agreementId) private _activeVersions;
    mapping(uint256 lineageId => uint32 version) private _latestVersions;

    /// @inheritdoc IRevenueAgreements
    function propose(AgreementTerms calldata terms) external returns (uint256 agreementId) {
        return _propose(terms, AgreementHashing.hashTerms(terms), 0, 0, msg.sender);
    }

    /// @inheritdoc IRevenueAgreements
    function proposeAmendment(uint256 previousId, AgreementTerms calldata terms)
        external
        returns (uint256 agreementId)
    {
        Agreement storage previous = _existingAgreement(previousId);
        _requireStatus(previousId, previous.status, AgreementStatus.Active);
        agreementId = _proposeSuccessor(previous, terms, AgreementHashing.hashTerms(terms), previousId, msg.sender);
    }

    /// @inheritdoc IRevenueAgreements
    function counterPropose(uint256 counteredId, AgreementTerms calldata terms) external returns (uint256 agreementId) {
        return _counterPropose(counteredId, terms, AgreementHashing.hashTerms(terms), msg.sender);
    }

    /// @inheritdoc IRevenueAgreements
    function counterProposeWithSignature(
        uint256 counteredId,
        AgreementTerms calldata terms,
        address author,
        uint256 deadline,
        bytes calldata signature
    ) external returns (uint256 agreementId) {
        if (deadline < block.timestamp) revert CounterSignatureExpired(author, deadline);
        bytes32 termsDigest = AgreementHashing.hashTerms(terms);
        bytes32 digest =
            _hashTypedDataV4(AgreementHashing.hashCounter(counteredId, termsDigest, _useNonce(author), deadline));
        if (!SignatureChecker.isValidSignatureNow(author, digest, signature)) revert InvalidCounterSignature(author);
        return _counterPropose(counteredId, terms, termsDigest, author);
    }

    /// @inheritdoc IRevenueAgreements
    function accept(uint256 agreementId) external {
        Agreement storage agreement_ = _pendingAgreement(agreementId);
        Position storage position = _positions[agreementId][msg.sender];
        if (!position.isParty) revert NotAgreementParty(agreementId, msg.sender);
        if (position.accepted) revert AlreadyAccepted(agreementId, msg.sender);
        _recordAcceptance(agreementId, agreement_, position, msg.sender, false);
    }

    /// @inheritdoc IRevenueAgreements
    function acceptWithSignatures(uint256 agreementId, SignedAcceptance[] calldata acceptances) external {
        // A relayer whose whole batch was submitted first (so the agreement activated) has nothing left to do.
        if (_allRecorded(agreementId, acceptances)) return;
        Agreement storage agreement_ = _pendingAgreement(agreementId);
        for (uint256 i; i < acceptances.length; ++i) {
            SignedAcceptance calldata signed = acceptances[i];
            Position storage position = _positions[agreementId][signed.signer];
            if (!position.isParty) revert NotAgreementParty(agreementId, signed.signer);
            // Someone may have submitted this signature first: the acceptance is recorded either way.
            if (position.accepted) continue;
            if (signed.deadline < block.timestamp) {
                revert AcceptanceExpired(agreementId, signed.signer, signed.deadline);
            }
            bytes32 digest = _acceptanceDigest(agreementId, agreement_, signed.deadline);
            if (!SignatureChecker.isValidSignatureNow(signed.signer, digest, signed.signature)) {
                revert InvalidAcceptanceSignature(agreementId, signed.signer);
            }
            _recordAcceptance(agreementId, agreement_, position, signed.signer, true);
            // The agreement may have activated; later entries are then all already accepted.
        }
    }

    /// @inheritdoc IRevenueAgreements
    function terminate(uint256 agreementId) external {
        Agreement storage agreement_ = _existingAgreement(agreementId);
        AgreementStatus status = agreement_.status;
        if (status != AgreementStatus.Pending && status != AgreementStatus.Active) {
            revert UnexpectedAgreementStatus(agreementId, status);
        }
        if (!_positions[agreementId][msg.sender].isParty) revert NotAgreementParty(agreementId, msg.sender);
        agreement_.status = AgreementStatus.Terminated;
        emit AgreementTerminated(agreementId, msg.sender);
    }

    /// @inheritdoc IRevenueAgreements
    function agreement(uint256 agreementId) external view returns (AgreementView memory) {
        Agreement storage a = _existingAgreement(agreementId);
        AgreementStatus status = a.status;
        // A pending version outrun by a competing version can never activate: report it as superseded.
        if (status == AgreementStatus.Pending && _winnerOver(a) != 0) status = AgreementStatus.Superseded;
        return AgreementView({
            networkId: a.networkId,
            asset: a.asset,
            status: status,
            version: a.version,
            previousId: a.previousId,
            referralFeeBps: a.referralFeeBps,
            networkFeeBps: a.networkFeeBps,
            feeRecipient: a.feeRecipient,
            validFrom: a.validFrom,
            validUntil: a.validUntil,
            partyCount: a.partyCount,
            pendingAcceptances: a.pendingAcceptances,
            lineageId: a.lineageId,
            holdbackPeriod: a.holdbackPeriod,
            refunder: a.refunder,
            heldPayments: a.heldPayments,
            termsDigest: a.termsDigest,
            vendorPool: a.vendorPool,
            networkFees: a.networkFees,
            networkFeesCollected: a.networkFeesCollected
        });
    }

    /// @inheritdoc IRevenueAgreements
    function partiesOf(uint256 agreementId) external view returns (Party[] memory parties) {
        address[] storage accounts = _existingAgreement(agreementId).parties;
        parties = new Party[](accounts.length);
        for (uint256 i; i < accounts.length; ++i) {
            parties[i] = Party({account: accounts[i], shareBps: _positions[agreementId][accounts[i]].shareBps});
        }
    }

    /// @inheritdoc IRevenueAgreements
    function hasAccepted(uint256 agreementId, address account) external view returns (bool) {
        return _positions[agreementId][account].accepted;
    }

    /// @inheritdoc IRevenueAgreements
    function acceptanceDigest(uint256 agreementId, uint256 deadline) external view returns (bytes32) {
        return _acceptanceDigest(agreementId, _existingAgreement(agreementId), deadline);
    }

    /// @inheritdoc IRevenueAgreements
    function referralTiersOf(uint256 agreementId) external view returns (ReferralTier[] memory) {
        return _existingAgreement(agreementId).referralTiers;
    }

    /// @inheritdoc IRevenueAgreements
    function activeVersionOf(uint256 lineageId) external view returns (uint256) {
        return _activeVersions[lineageId];
    }

    /// @inheritdoc IRevenueAgreements
    function counterProposalDigest(
        uint256 counteredId,
        AgreementTerms calldata terms,
        address author,
        uint256 deadline
    ) external view returns (bytes32) {
        return _hashTypedDataV4(
            AgreementHashing.hashCounter(counteredId, AgreementHashing.hashTerms(terms), nonces(author), deadline)
        );
    }

    /// @inheritdoc IRevenueAgreements
    function agreementCount() external view returns (uint256) {
        return _agreementCount;
    }

    /// @dev Whether `a`'s vendor pool can no longer grow, so its parties may collect their last wei: it takes
    /// no more payments and holds none that a release could still add.
    function _isClosed(Agreement storage a) internal view returns (bool) {
        if (a.heldPayments != 0) return false;
        AgreementStatus status = a.status;
        return status == AgreementStatus.Terminated || status == AgreementStatus.Superseded
            || block.timestamp > a.validUntil;
    }

    /// @dev The agreement `agreementId`, which must exist.
    function _existingAgreement(uint256 agreementId) internal view returns (Agreement storage a) {
        a = _agreements[agreementId];
        if (a.status == AgreementStatus.None) revert UnknownAgreement(agreementId);
    }

    /// @dev Creates a version in lineage `lineageId` (a new lineage when 0) that will replace `previousId`
    /// (none when 0) once active; `proposer` accepts it if it is a party.
    function _propose(
        AgreementTerms calldata terms,
        bytes32 termsDigest,
        uint256 previousId,
        uint256 lineageId,
        address proposer
    ) private returns (uint256 agreementId) {
        _checkTerms(terms, proposer);
        agreementId = ++_agreementCount;
        if (lineageId == 0) lineageId = agreementId;
        uint32 version = ++_latestVersions[lineageId];
        Agreement storage a = _agreements[agreementId];
        a.asset = terms.asset;
        a.networkId = uint48(terms.networkId); // _checkTerms proved the network exists, so its id fits
        a.referralFeeBps = terms.referralFeeBps;
        a.networkFeeBps = terms.networkFeeBps;
        a.status = AgreementStatus.Pending;
        a.validFrom = terms.validFrom;
        a.validUntil = terms.validUntil;
        a.version = version;
        a.holdbackPeriod = terms.holdbackPeriod;
        a.feeRecipient = terms.feeRecipient;
        a.refunder = terms.refunder;
        a.termsDigest = termsDigest;
        a.previousId = previousId;
        a.lineageId = lineageId;
        a.tierCount = uint8(_storeTiers(a, terms.referralTiers));

        uint256 count = _storeParties(agreementId, a, terms);
        a.partyCount = uint16(count);
        a.pendingAcceptances = uint16(count);
        _positions[agreementId][terms.feeRecipient].isFeeRecipient = true;
        if (terms.refunder != address(0) && !_positions[agreementId][terms.refunder].isParty) {
            revert InvalidRefunder(terms.refunder);
        }
        emit AgreementProposed(agreementId, terms.networkId, proposer, previousId, version, terms);

        Position storage proposerPosition = _positions[agreementId][proposer];
        if (proposerPosition.isParty) _recordAcceptance(agreementId, a, proposerPosition, proposer, false);
    }

    /// @dev Proposes a version that follows `base` in its lineage (an amendment of it when active, a counter
    /// to it when pending) and replaces `previousId` once active. It must keep every party of `base`.
    function _proposeSuccessor(
        Agreement storage base,
        AgreementTerms calldata terms,
        bytes32 termsDigest,
        uint256 previousId,
        address proposer
    ) private returns (uint256 agreementId) {
        if (base.networkId != terms.networkId) revert AmendmentChangesNetwork(base.networkId, terms.networkId);
        agreementId = _propose(terms, termsDigest, previousId, base.lineageId, proposer);
        mapping(address account => Position) storage positions = _positions[agreementId];
        address[] storage baseParties = base.parties;
        for (uint256 i; i < baseParties.length; ++i) {
            if (!positions[baseParties[i]].isParty) revert AmendmentDropsParty(baseParties[i]);
        }
    }

    function _counterPropose(uint256 counteredId, AgreementTerms calldata terms, bytes32 termsDigest, address author)
        private
        returns (uint256 agreementId)
    {
        Agreement storage countered = _pendingAgreement(counteredId);
        if (!_positions[counteredId][author].isParty) revert NotAgreementParty(counteredId, author);
        agreementId = _proposeSuccessor(countered, terms, termsDigest, countered.previousId, author);
        emit AgreementCountered(agreementId, counteredId, author);
    }

    /// @dev Validates everything in `terms` but the parties and tiers, which are checked as they are stored.
    function _checkTerms(AgreementTerms calldata terms, address proposer) private view {
        uint256 networkId = terms.networkId;
        Network storage net = _existingNetwork(networkId);
        if (proposer != net.operator && !_isActiveMember(networkId, proposer)) {
            revert NotAllowedToPropose(networkId, proposer);
        }
        if (terms.feeRecipient != net.feeRecipient || terms.networkFeeBps != net.feeBps) {
            revert NetworkFeeTermsChanged(net.feeRecipient, net.feeBps);
        }
        if (terms.referralFeeBps > MAX_REFERRAL_FEE_BPS) {
            revert ReferralFeeTooHigh(terms.referralFeeBps, MAX_REFERRAL_FEE_BPS);
        }
        if (terms.validFrom >= terms.validUntil || terms.validUntil <= block.timestamp) {
            revert InvalidValidityWindow(terms.validFrom, terms.validUntil);
        }
        if (terms.asset != address(0) && terms.asset.code.length == 0) revert AssetNotAContract(terms.asset);
        if (terms.holdbackPeriod > MAX_HOLDBACK_PERIOD) {
            revert HoldbackTooLong(terms.holdbackPeriod, MAX_HOLDBACK_PERIOD);
        }
        // A refunder makes sense only with a holdback, and a holdback only with a refunder.
        if ((terms.holdbackPeriod == 0) != (terms.refunder == address(0))) revert InvalidRefunder(terms.refunder);
        uint256 count = terms.parties.length;
        if (count == 0 || count > MAX_PARTIES) revert InvalidPartyCount(count, MAX_PARTIES);
    }

    /// @dev Stores the parties with their slices of the vendor pool; each must be a distinct active member.
    function _storeParties(uint256 agreementId, Agreement storage a, AgreementTerms calldata terms)
        private
        returns (uint256 count)
    {
        Party[] calldata parties = terms.parties;
        count = parties.length;
        uint256 shareStart;
        for (uint256 i; i < count; ++i) {
            address account = parties[i].account;
            uint16 shareBps = parties[i].shareBps;
            if (account == address(0)) revert ZeroAddressParty();
            _requireActiveMember(terms.networkId, account);
            Position storage position = _positions[agreementId][account];
            if (position.isParty) revert DuplicateParty(account);
            // Sums of at most 50 uint16 values: no overflow, and checked against BPS below.
            position.shareStart = uint16(shareStart);
            position.shareBps = shareBps;
            position.isParty = true;
            a.parties.push(account);
            shareStart += shareBps;
            if (shareStart > SplitMath.BPS) revert SharesDoNotSumToWhole(shareStart);
        }
        if (shareStart != SplitMath.BPS) revert SharesDoNotSumToWhole(shareStart);
    }

    /// @dev Stores the tiers above the base rate: ascending thresholds above 0, rates within the cap.
    function _storeTiers(Agreement storage a, ReferralTier[] calldata tiers) private returns (uint256 count) {
        count = tiers.length;
        if (count > MAX_REFERRAL_TIERS) revert InvalidReferralTier(MAX_REFERRAL_TIERS);
        uint256 previousFrom;
        for (uint256 i; i < count; ++i) {
            ReferralTier calldata tier = tiers[i];
            if (tier.fromVolume <= previousFrom || tier.feeBps > MAX_REFERRAL_FEE_BPS) revert InvalidReferralTier(i);
            previousFrom = tier.fromVolume;
            a.referralTiers.push(tier);
        }
    }

    function _recordAcceptance(
        uint256 agreementId,
        Agreement storage a,
        Position storage position,
        address party,
        bool bySignature
    ) private {
        _requireActiveMember(a.networkId, party);
        position.accepted = true;
        uint16 pending = a.pendingAcceptances - 1;
        a.pendingAcceptances = pending;
        emit AgreementAccepted(agreementId, party, bySignature);
        if (pending == 0) _activate(agreementId, a);
    }

    /// @dev Every party accepted: check they are all still active members, then activate, replacing the
    /// version this one amends.
    function _activate(uint256 agreementId, Agreement storage a) private {
        if (a.validUntil < block.timestamp) revert InvalidValidityWindow(a.validFrom, a.validUntil);
        uint256 networkId = a.networkId;
        address[] storage parties = a.parties;
        for (uint256 i; i < parties.length; ++i) {
            _requireActiveMember(networkId, parties[i]);
        }
        // Every path here checked the version can still activate ({_pendingAgreement}, or a fresh proposal
        // whose base was checked); the previous version's status is checked once more before it is replaced.
        uint256 previousId = a.previousId;
        if (previousId != 0) {
            Agreement storage previous = _agreements[previousId];
            _requireStatus(previousId, previous.status, AgreementStatus.Active);
            previous.status = AgreementStatus.Superseded;
            emit AgreementSuperseded(previousId, agreementId);
        }
        _activeVersions[a.lineageId] = agreementId;
        a.status = AgreementStatus.Active;
        emit AgreementActivated(agreementId, previousId);
    }

    /// @dev Whether `agreementId` is active and every acceptance in `acceptances` is already recorded.
    function _allRecorded(uint256 agreementId, SignedAcceptance[] calldata acceptances) private view returns (bool) {
        if (_agreements[agreementId].status != AgreementStatus.Active) return false;
        for (uint256 i; i < acceptances.length; ++i) {
            if (!_positions[agreementId][acceptances[i].signer].accepted) return false;
        }
        return true;
    }

    /// @dev The pending version `agreementId`, which must still be able to activate.
    function _pendingAgreement(uint256 agreementId) private view returns (Agreement storage a) {
        a = _existingAgreement(agreementId);
        _requireStatus(agreementId, a.status, AgreementStatus.Pending);
        uint256 winner = _winnerOver(a);
        if (winner != 0) revert NegotiationSettled(agreementId, winner);
        uint256 previousId = a.previousId;
        if (previousId != 0) _requireStatus(previousId, _agreements[previousId].status, AgreementStatus.Active);
    }

    /// @dev The competing version that activated over pending version `a`, or 0: the version now active in
    /// its lineage if `a` would replace another one (or none) than that.
    function _winnerOver(Agreement storage a) private view returns (uint256) {
        uint256 active = _activeVersions[a.lineageId];
        return active == a.previousId ? 0 : active;
    }

    function _acceptanceDigest(uint256 agreementId, Agreement storage a, uint256 deadline)
        private
        view
        returns (bytes32)
    {
        return _hashTypedDataV4(
            AgreementHashing.hashAcceptance(agreementId, a.version, a.previousId, a.termsDigest, deadline)
        );
    }

    function _requireStatus(uint256 agreementId, AgreementStatus status, AgreementStatus expected) private pure {
        if (status != expected) revert UnexpectedAgreementStatus(agreementId, status);
    }
}
