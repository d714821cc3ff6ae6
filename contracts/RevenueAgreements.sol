// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

import {IMandates} from "./interfaces/IMandates.sol";
import {IRevenueAgreements} from "./interfaces/IRevenueAgreements.sol";
import {Agreement, AgreementBook, AgreementFlags, Position} from "./libraries/AgreementBook.sol";
import {AgreementHashing} from "./libraries/AgreementHashing.sol";
import {AgreementProposals} from "./libraries/AgreementProposals.sol";
import {MandateBook, MandateBounds, StoredMandate} from "./libraries/MandateBook.sol";
import {NetworkRegistry} from "./NetworkRegistry.sol";

/// @title RevenueAgreements
/// @notice Proposal, negotiation, acceptance (by transaction, EIP-712/ERC-1271 signature or standing mandate),
/// amendment and termination of revenue-sharing agreements between members of one network.
/// @dev Checking and storing a proposal, and setting and applying mandates, run in the linked library
/// {AgreementProposals}.
abstract contract RevenueAgreements is IRevenueAgreements, IMandates, NetworkRegistry, EIP712 {
    /// @notice The most parties one agreement can have. Proposing one costs about 2.7M gas and activating
    /// it with 50 signatures about 1.3M, well under the 16,777,216 gas a transaction may use (EIP-7825);
    /// see bench/gas.md.
    uint256 public constant MAX_PARTIES = AgreementProposals.MAX_PARTIES;

    /// @notice The highest referral fee: 50% of each payment.
    uint16 public constant MAX_REFERRAL_FEE_BPS = AgreementProposals.MAX_REFERRAL_FEE_BPS;

    /// @notice The most referral tiers above the base rate.
    uint256 public constant MAX_REFERRAL_TIERS = AgreementProposals.MAX_REFERRAL_TIERS;

    /// @notice The longest holdback period: 180 days.
    uint32 public constant MAX_HOLDBACK_PERIOD = AgreementProposals.MAX_HOLDBACK_PERIOD;

    /// @inheritdoc IMandates
    uint256 public constant MAX_MANDATE_ASSETS = AgreementProposals.MAX_MANDATE_ASSETS;

    AgreementBook internal _book;

    MandateBook private _mandates;

    /// @dev Unordered counter-proposal nonces, 256 to a word: bit `nonce % 256` of word `nonce / 256`.
    mapping(address author => mapping(uint256 word => uint256 bits)) private _usedCounterNonces;

    /// @inheritdoc IRevenueAgreements
    function propose(AgreementTerms calldata terms) external returns (uint256 agreementId) {
        (agreementId,) = _propose(terms, 0, 0, msg.sender);
    }

    /// @inheritdoc IRevenueAgreements
    function proposeAmendment(uint256 previousId, AgreementTerms calldata terms)
        external
        returns (uint256 agreementId)
    {
        Agreement storage previous = _existingAgreement(previousId);
        _requireStatus(previousId, previous.status, AgreementStatus.Active);
        (agreementId,) = _propose(terms, previousId, previousId, msg.sender);
    }

    /// @inheritdoc IRevenueAgreements
    function counterPropose(uint256 counteredId, AgreementTerms calldata terms) external returns (uint256 agreementId) {
        (agreementId,) = _counterPropose(counteredId, terms, msg.sender);
    }

    /// @inheritdoc IRevenueAgreements
    function counterProposeWithSignature(
        uint256 counteredId,
        AgreementTerms calldata terms,
        address author,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external returns (uint256 agreementId) {
        if (deadline < block.timestamp) revert CounterSignatureExpired(author, deadline);
        _useCounterNonce(author, nonce);
        bytes32 termsDigest;
        (agreementId, termsDigest) = _counterPropose(counteredId, terms, author);
        // Checked once the terms are hashed by the proposal; a bad signature reverts it all.
        bytes32 digest =
            _hashTypedDataV4(AgreementHashing.hashCounter(author, counteredId, termsDigest, nonce, deadline));
        if (!SignatureChecker.isValidSignatureNow(author, digest, signature)) revert InvalidCounterSignature(author);
    }

    /// @inheritdoc IRevenueAgreements
    function invalidateCounterNonce(uint256 nonce) external {
        _useCounterNonce(msg.sender, nonce);
        emit CounterNonceInvalidated(msg.sender, nonce);
    }

    /// @inheritdoc IRevenueAgreements
    function accept(uint256 agreementId) external {
        Agreement storage agreement_ = _pendingAgreement(agreementId);
        Position storage position = _book.positions[agreementId][msg.sender];
        if (!position.isParty) revert NotAgreementParty(agreementId, msg.sender);
        if (position.accepted) revert AlreadyAccepted(agreementId, msg.sender);
        _recordAcceptance(agreementId, agreement_, position, msg.sender, false);
    }

    /// @inheritdoc IRevenueAgreements
    function acceptWithSignatures(uint256 agreementId, SignedAcceptance[] calldata acceptances) external {
        // A relayer whose whole batch was submitted first (so the agreement activated) has nothing left to do.
        if (_allRecorded(agreementId, acceptances)) return;
        Agreement storage agreement_ = _pendingAgreement(agreementId);
        mapping(address account => Position) storage positions = _book.positions[agreementId];
        for (uint256 i; i < acceptances.length; ++i) {
            SignedAcceptance calldata signed = acceptances[i];
            Position storage position = positions[signed.signer];
            if (!position.isParty) revert NotAgreementParty(agreementId, signed.signer);
            // Someone may have submitted this signature first: the acceptance is recorded either way.
            if (position.accepted) continue;
            if (signed.deadline < block.timestamp) {
                revert AcceptanceExpired(agreementId, signed.signer, signed.deadline);
            }
            bytes32 digest = _acceptanceDigest(agreementId, agreement_, signed.signer, signed.deadline);
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
        if (!_book.positions[agreementId][msg.sender].isParty) revert NotAgreementParty(agreementId, msg.sender);
        _close(agreement_, AgreementStatus.Terminated);
        emit AgreementTerminated(agreementId, msg.sender);
    }

    /// @inheritdoc IMandates
    function setMandate(Mandate calldata mandate) external {
        AgreementProposals.setMandate(_mandates, _memberships, msg.sender, mandate);
    }

    /// @inheritdoc IMandates
    function setMandateBySig(
        address member,
        Mandate calldata mandate,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external {
        AgreementProposals.setMandateBySig(
            _mandates, _memberships, _domainSeparatorV4(), member, mandate, nonce, deadline, signature
        );
    }

    /// @inheritdoc IMandates
    function revokeMandate(uint256 networkId) external {
        AgreementProposals.revokeMandate(_mandates, msg.sender, networkId);
    }

    /// @inheritdoc IMandates
    function mandateOf(uint256 networkId, address member)
        external
        view
        returns (Mandate memory mandate, uint256 nonce, bool live)
    {
        StoredMandate storage stored = _mandates.mandates[networkId][member];
        MandateBounds memory b = stored.bounds;
        if (b.expiresAt == 0) return (mandate, 0, false);
        mandate = Mandate({
            networkId: networkId,
            minShareBps: b.minShareBps,
            maxReferralFeeBps: b.maxReferralFeeBps,
            maxNetworkFeeBps: b.maxNetworkFeeBps,
            minHoldbackPeriod: b.minHoldbackPeriod,
            maxHoldbackPeriod: b.maxHoldbackPeriod,
            maxValidity: b.maxValidity,
            expiresAt: b.expiresAt,
            assets: stored.assets
        });
        return (mandate, b.nonce, block.timestamp < b.expiresAt && _isActiveMember(networkId, member));
    }

    /// @inheritdoc IMandates
    function mandateNonce(address member) external view returns (uint256) {
        return _mandates.nonces[member];
    }

    /// @inheritdoc IMandates
    function isInsideMandate(uint256 agreementId, address party) external view returns (bool) {
        _existingAgreement(agreementId);
        return AgreementProposals.isInsideMandate(_book, _mandates, _memberships, agreementId, party);
    }

    /// @inheritdoc IRevenueAgreements
    function agreement(uint256 agreementId) external view returns (AgreementView memory) {
        Agreement storage a = _existingAgreement(agreementId);
        return AgreementView({
            networkId: a.totals.networkId,
            asset: a.pricing.asset,
            status: _statusOf(a),
            version: a.version,
            previousId: a.previousId,
            referralFeeBps: a.pricing.referralFeeBps,
            networkFeeBps: a.pricing.networkFeeBps,
            feeRecipient: a.feeRecipient,
            validFrom: a.pricing.validFrom,
            validUntil: a.pricing.validUntil,
            referrerRoles: a.totals.flags >> AgreementFlags.REFERRER_ROLES_SHIFT,
            partyCount: a.partyCount,
            pendingAcceptances: a.pendingAcceptances,
            lineageId: a.lineageId,
            holdbackPeriod: a.holdbackPeriod,
            refunder: a.refunder,
            heldPayments: a.held.count,
            termsDigest: a.termsDigest,
            vendorPool: a.totals.vendorPool,
            networkFees: a.totals.networkFees,
            networkFeesCollected: a.networkFeesCollected
        });
    }

    /// @inheritdoc IRevenueAgreements
    function partiesOf(uint256 agreementId) external view returns (Party[] memory parties) {
        address[] storage accounts = _existingAgreement(agreementId).parties;
        mapping(address account => Position) storage positions = _book.positions[agreementId];
        parties = new Party[](accounts.length);
        for (uint256 i; i < accounts.length; ++i) {
            parties[i] = Party({account: accounts[i], shareBps: positions[accounts[i]].shareBps});
        }
    }

    /// @inheritdoc IRevenueAgreements
    function hasAccepted(uint256 agreementId, address account) external view returns (bool) {
        return _book.positions[agreementId][account].accepted;
    }

    /// @inheritdoc IRevenueAgreements
    function acceptanceDigest(uint256 agreementId, address signer, uint256 deadline) external view returns (bytes32) {
        return _acceptanceDigest(agreementId, _existingAgreement(agreementId), signer, deadline);
    }

    /// @inheritdoc IRevenueAgreements
    function referralTiersOf(uint256 agreementId) external view returns (ReferralTier[] memory) {
        return _existingAgreement(agreementId).referralTiers;
    }

    /// @inheritdoc IRevenueAgreements
    function activeVersionOf(uint256 lineageId) external view returns (uint256) {
        return _book.activeVersions[lineageId];
    }

    /// @inheritdoc IRevenueAgreements
    function counterProposalDigest(
        uint256 counteredId,
        AgreementTerms calldata terms,
        address author,
        uint256 nonce,
        uint256 deadline
    ) external view returns (bytes32) {
        return _hashTypedDataV4(
            AgreementHashing.hashCounter(author, counteredId, AgreementProposals.hashTerms(terms), nonce, deadline)
        );
    }

    /// @inheritdoc IRevenueAgreements
    function isCounterNonceUsed(address author, uint256 nonce) external view returns (bool) {
        return _usedCounterNonces[author][nonce >> 8] & (1 << (nonce & 0xff)) != 0;
    }

    /// @inheritdoc IRevenueAgreements
    function agreementCount() external view returns (uint256) {
        return _book.count;
    }

    /// @dev Whether `a`'s vendor pool can no longer grow, so its parties may collect their last wei: it takes
    /// no more payments (no longer active, or past its window) and holds none that a release could still add.
    /// Only an agreement that was active has a pool, so a cleared {AgreementFlags.ACTIVE} means it ended.
    function _isClosed(Agreement storage a, uint256 flags) internal view returns (bool) {
        if (a.held.count != 0) return false;
        return flags & AgreementFlags.ACTIVE == 0 || block.timestamp > a.pricing.validUntil;
    }

    /// @dev The agreement `agreementId`, which must exist.
    function _existingAgreement(uint256 agreementId) internal view returns (Agreement storage a) {
        a = _book.agreements[agreementId];
        // Every agreement belongs to a network (ids start at 1); the field shares the slot the hot paths read.
        if (a.totals.networkId == 0) revert UnknownAgreement(agreementId);
    }

    /// @dev `a`'s status as views report it: a pending version outrun by a competing version that activated
    /// first can never activate, so it is superseded.
    function _statusOf(Agreement storage a) internal view returns (AgreementStatus status) {
        status = a.status;
        if (status == AgreementStatus.Pending && _winnerOver(a) != 0) status = AgreementStatus.Superseded;
    }

    function _propose(AgreementTerms calldata terms, uint256 baseId, uint256 previousId, address proposer)
        private
        returns (uint256 agreementId, bytes32 termsDigest)
    {
        // An existing network's id is at most the network count, far below 2^32: it fits Agreement.networkId.
        (agreementId, termsDigest) = AgreementProposals.propose(
            _book, _memberships, _existingNetwork(terms.networkId), terms, baseId, previousId, proposer
        );
        Agreement storage a = _book.agreements[agreementId];
        Position storage proposerPosition = _book.positions[agreementId][proposer];
        if (proposerPosition.isParty) _recordAcceptance(agreementId, a, proposerPosition, proposer, false);
        // The other parties' standing mandates, read now: a revocation mined before this proposal wins.
        if (a.pendingAcceptances != 0 && AgreementProposals.acceptByMandates(_book, _mandates, agreementId)) {
            _activate(agreementId, a);
        }
    }

    /// @dev A counter to pending version `counteredId` follows it in its lineage and replaces the same active
    /// version as it (if any) once active.
    function _counterPropose(uint256 counteredId, AgreementTerms calldata terms, address author)
        private
        returns (uint256 agreementId, bytes32 termsDigest)
    {
        Agreement storage countered = _pendingAgreement(counteredId);
        if (!_book.positions[counteredId][author].isParty) revert NotAgreementParty(counteredId, author);
        (agreementId, termsDigest) = _propose(terms, counteredId, countered.previousId, author);
        emit AgreementCountered(agreementId, counteredId, author);
    }

    function _useCounterNonce(address author, uint256 nonce) private {
        uint256 bit = 1 << (nonce & 0xff);
        mapping(uint256 word => uint256 bits) storage words = _usedCounterNonces[author];
        uint256 bits = words[nonce >> 8];
        if (bits & bit != 0) revert CounterNonceUsed(author, nonce);
        words[nonce >> 8] = bits | bit;
    }

    function _recordAcceptance(
        uint256 agreementId,
        Agreement storage a,
        Position storage position,
        address party,
        bool bySignature
    ) private {
        _requireActiveMember(a.totals.networkId, party);
        position.accepted = true;
        uint16 pending = a.pendingAcceptances - 1;
        a.pendingAcceptances = pending;
        emit AgreementAccepted(agreementId, party, bySignature);
        if (pending == 0) _activate(agreementId, a);
    }

    /// @dev Every party accepted: check they are all still active members (see {accept}), then activate,
    /// replacing the version this one amends.
    function _activate(uint256 agreementId, Agreement storage a) private {
        if (a.pricing.validUntil < block.timestamp) revert InvalidValidityWindow(a.pricing.validFrom, a.pricing.validUntil);
        uint256 networkId = a.totals.networkId;
        address[] storage parties = a.parties;
        for (uint256 i; i < parties.length; ++i) {
            _requireActiveMember(networkId, parties[i]);
        }
        // Every path here checked the version can still activate ({_pendingAgreement}, or a fresh proposal
        // whose base was checked); the previous version's status is checked once more before it is replaced.
        uint256 previousId = a.previousId;
        if (previousId != 0) {
            Agreement storage previous = _book.agreements[previousId];
            _requireStatus(previousId, previous.status, AgreementStatus.Active);
            _close(previous, AgreementStatus.Superseded);
            emit AgreementSuperseded(previousId, agreementId);
        }
        _book.activeVersions[a.lineageId] = agreementId;
        a.status = AgreementStatus.Active;
        a.totals.flags |= AgreementFlags.ACTIVE;
        emit AgreementActivated(agreementId, previousId);
    }

    /// @dev Ends `a` as `status`: it takes no more payments.
    function _close(Agreement storage a, AgreementStatus status) private {
        a.status = status;
        a.totals.flags &= ~AgreementFlags.ACTIVE;
    }

    /// @dev Whether `agreementId` is active and every acceptance in `acceptances` is already recorded.
    function _allRecorded(uint256 agreementId, SignedAcceptance[] calldata acceptances) private view returns (bool) {
        if (_book.agreements[agreementId].status != AgreementStatus.Active) return false;
        mapping(address account => Position) storage positions = _book.positions[agreementId];
        for (uint256 i; i < acceptances.length; ++i) {
            if (!positions[acceptances[i].signer].accepted) return false;
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
        if (previousId != 0) _requireStatus(previousId, _book.agreements[previousId].status, AgreementStatus.Active);
    }

    /// @dev The competing version that activated over pending version `a`, or 0: the version now active in
    /// its lineage if `a` would replace another one (or none) than that.
    function _winnerOver(Agreement storage a) private view returns (uint256) {
        uint256 active = _book.activeVersions[a.lineageId];
        return active == a.previousId ? 0 : active;
    }

    function _acceptanceDigest(uint256 agreementId, Agreement storage a, address signer, uint256 deadline)
        private
        view
        returns (bytes32)
    {
        return _hashTypedDataV4(
            AgreementHashing.hashAcceptance(signer, agreementId, a.version, a.previousId, a.termsDigest, deadline)
        );
    }

    function _requireStatus(uint256 agreementId, AgreementStatus status, AgreementStatus expected) private pure {
        if (status != expected) revert UnexpectedAgreementStatus(agreementId, status);
    }
}
