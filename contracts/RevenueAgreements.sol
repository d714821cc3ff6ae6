// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

import {IRevenueAgreements} from "./interfaces/IRevenueAgreements.sol";
import {AgreementHashing} from "./libraries/AgreementHashing.sol";
import {SplitMath} from "./libraries/SplitMath.sol";
import {NetworkRegistry} from "./NetworkRegistry.sol";

/// @title RevenueAgreements
/// @notice Proposal, acceptance (by transaction or EIP-712/ERC-1271 signature), amendment and termination
/// of revenue-sharing agreements between members of one network.
abstract contract RevenueAgreements is IRevenueAgreements, NetworkRegistry, EIP712 {
    /// @notice The most parties one agreement can have. Proposing one costs about 2.7M gas and activating
    /// it with 50 signatures about 1.3M, well under the 16,777,216 gas a transaction may use (EIP-7825);
    /// see bench/gas.md.
    uint256 public constant MAX_PARTIES = 50;

    /// @notice The highest referral fee: 50% of each payment.
    uint16 public constant MAX_REFERRAL_FEE_BPS = 5_000;

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
        // slot 2: written by every payment
        uint128 vendorPool;
        uint128 networkFees;
        // the rest: read when collecting or accepting
        address feeRecipient;
        uint128 networkFeesCollected;
        bytes32 termsDigest;
        uint256 previousId;
        address[] parties;
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

    /// @inheritdoc IRevenueAgreements
    function propose(AgreementTerms calldata terms) external returns (uint256 agreementId) {
        return _propose(terms, 0, 1);
    }

    /// @inheritdoc IRevenueAgreements
    function proposeAmendment(uint256 previousId, AgreementTerms calldata terms)
        external
        returns (uint256 agreementId)
    {
        Agreement storage previous = _existingAgreement(previousId);
        _requireStatus(previousId, previous.status, AgreementStatus.Active);
        if (previous.networkId != terms.networkId) revert AmendmentChangesNetwork(previous.networkId, terms.networkId);
        agreementId = _propose(terms, previousId, previous.version + 1);
        mapping(address account => Position) storage positions = _positions[agreementId];
        address[] storage previousParties = previous.parties;
        for (uint256 i; i < previousParties.length; ++i) {
            if (!positions[previousParties[i]].isParty) revert AmendmentDropsParty(previousParties[i]);
        }
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
        return AgreementView({
            networkId: a.networkId,
            asset: a.asset,
            status: a.status,
            version: a.version,
            previousId: a.previousId,
            referralFeeBps: a.referralFeeBps,
            networkFeeBps: a.networkFeeBps,
            feeRecipient: a.feeRecipient,
            validFrom: a.validFrom,
            validUntil: a.validUntil,
            partyCount: a.partyCount,
            pendingAcceptances: a.pendingAcceptances,
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
    function agreementCount() external view returns (uint256) {
        return _agreementCount;
    }

    /// @dev Whether `a`'s vendor pool can no longer grow, so its parties may collect their last wei.
    function _isClosed(Agreement storage a) internal view returns (bool) {
        AgreementStatus status = a.status;
        return status == AgreementStatus.Terminated || status == AgreementStatus.Superseded
            || block.timestamp > a.validUntil;
    }

    /// @dev The agreement `agreementId`, which must exist.
    function _existingAgreement(uint256 agreementId) internal view returns (Agreement storage a) {
        a = _agreements[agreementId];
        if (a.status == AgreementStatus.None) revert UnknownAgreement(agreementId);
    }

    function _propose(AgreementTerms calldata terms, uint256 previousId, uint32 version)
        private
        returns (uint256 agreementId)
    {
        _checkTerms(terms);
        agreementId = ++_agreementCount;
        Agreement storage a = _agreements[agreementId];
        a.asset = terms.asset;
        a.networkId = uint48(terms.networkId); // _checkTerms proved the network exists, so its id fits
        a.referralFeeBps = terms.referralFeeBps;
        a.networkFeeBps = terms.networkFeeBps;
        a.status = AgreementStatus.Pending;
        a.validFrom = terms.validFrom;
        a.validUntil = terms.validUntil;
        a.version = version;
        a.feeRecipient = terms.feeRecipient;
        a.termsDigest = AgreementHashing.hashTerms(terms);
        a.previousId = previousId;

        uint256 count = _storeParties(agreementId, a, terms);
        _positions[agreementId][terms.feeRecipient].isFeeRecipient = true;
        a.partyCount = uint16(count);
        a.pendingAcceptances = uint16(count);
        emit AgreementProposed(agreementId, terms.networkId, msg.sender, previousId, version, terms);

        Position storage proposer = _positions[agreementId][msg.sender];
        if (proposer.isParty) _recordAcceptance(agreementId, a, proposer, msg.sender, false);
    }

    /// @dev Validates everything in `terms` but the parties, which {_storeParties} checks as it stores them.
    function _checkTerms(AgreementTerms calldata terms) private view {
        uint256 networkId = terms.networkId;
        Network storage net = _existingNetwork(networkId);
        if (msg.sender != net.operator && !_isActiveMember(networkId, msg.sender)) {
            revert NotAllowedToPropose(networkId, msg.sender);
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
        uint256 previousId = a.previousId;
        if (previousId != 0) {
            Agreement storage previous = _agreements[previousId];
            _requireStatus(previousId, previous.status, AgreementStatus.Active);
            previous.status = AgreementStatus.Superseded;
            emit AgreementSuperseded(previousId, agreementId);
        }
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

    function _pendingAgreement(uint256 agreementId) private view returns (Agreement storage a) {
        a = _existingAgreement(agreementId);
        _requireStatus(agreementId, a.status, AgreementStatus.Pending);
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
