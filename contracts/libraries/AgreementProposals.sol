// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

import {IMandates} from "../interfaces/IMandates.sol";
import {INetworkRegistry} from "../interfaces/INetworkRegistry.sol";
import {IRevenueAgreements} from "../interfaces/IRevenueAgreements.sol";
import {Agreement, AgreementBook, AgreementFlags, Position} from "./AgreementBook.sol";
import {AgreementHashing} from "./AgreementHashing.sol";
import {MandateBook, MandateBounds, StoredMandate} from "./MandateBook.sol";
import {SplitMath} from "./SplitMath.sol";

/// @title AgreementProposals
/// @notice Checks and stores a proposed agreement version, and sets and applies standing mandates: the cold path
/// of {Ecoshare}, deployed once as a linked library so the contract's own bytecode keeps room (EIP-170) and its
/// hot paths stay free of calls.
/// @dev Runs by DELEGATECALL in Ecoshare's storage: its events are Ecoshare's events.
library AgreementProposals {
    /// @notice The most parties one agreement can have (see {IRevenueAgreements}).
    uint256 internal constant MAX_PARTIES = 50;
    /// @notice The highest referral fee: 50% of each payment.
    uint16 internal constant MAX_REFERRAL_FEE_BPS = 5_000;
    /// @notice The most referral tiers above the base rate.
    uint256 internal constant MAX_REFERRAL_TIERS = 8;
    /// @notice The longest holdback period: 180 days.
    uint32 internal constant MAX_HOLDBACK_PERIOD = 180 days;
    /// @notice The most assets one mandate may name.
    uint256 internal constant MAX_MANDATE_ASSETS = 8;
    /// @dev Roles that exist: Vendor, ReferralPartner, Distributor.
    uint8 private constant ALL_ROLES = 7;

    /// @notice The EIP-712 struct hash of `terms`.
    function hashTerms(IRevenueAgreements.AgreementTerms calldata terms) public pure returns (bytes32) {
        return AgreementHashing.hashTerms(terms);
    }

    /// @notice Checks `terms` and stores them as a new pending version.
    /// @param baseId The version this one follows (the active version it amends or the pending one it counters),
    /// 0 for a new lineage. It must keep `baseId`'s network, asset and every party.
    /// @param previousId The active version this one replaces once active (0: none).
    /// @return agreementId The new version's id.
    /// @return termsDigest The EIP-712 struct hash of `terms`.
    function propose(
        AgreementBook storage book,
        mapping(uint256 networkId => mapping(address account => INetworkRegistry.Membership)) storage memberships,
        INetworkRegistry.Network storage net,
        IRevenueAgreements.AgreementTerms calldata terms,
        uint256 baseId,
        uint256 previousId,
        address proposer
    ) public returns (uint256 agreementId, bytes32 termsDigest) {
        if (baseId != 0) _checkLineage(book.agreements[baseId], terms);
        _checkTerms(net, memberships[terms.networkId], terms, proposer);
        agreementId = ++book.count;
        Agreement storage a = book.agreements[agreementId];
        {
            uint256 lineageId = baseId == 0 ? agreementId : book.agreements[baseId].lineageId;
            termsDigest = AgreementHashing.hashTerms(terms);
            _storeTerms(a, terms, termsDigest, ++book.latestVersions[lineageId], previousId, lineageId);
        }
        _storePositions(book.positions[agreementId], memberships[terms.networkId], a, terms);
        if (baseId != 0) _checkKeepsParties(book.agreements[baseId], book.positions[agreementId]);
        _emitProposed(agreementId, proposer, previousId, a.version, terms);
    }

    /// @notice Checks `mandate` and stores it as `member`'s mandate for its network, using up `member`'s current
    /// mandate nonce.
    /// @dev The caller has authenticated `member` (its own transaction).
    function setMandate(
        MandateBook storage mandates,
        mapping(uint256 networkId => mapping(address account => INetworkRegistry.Membership)) storage memberships,
        address member,
        IMandates.Mandate calldata mandate
    ) public {
        _setMandate(mandates, memberships, member, mandate, mandates.nonces[member]);
    }

    /// @notice Checks `member`'s EIP-712 `SetMandate` signature under `domainSeparator` (EOA or ERC-1271), then
    /// stores `mandate` as {setMandate} does, using up `nonce`, which must be `member`'s current one.
    function setMandateBySig(
        MandateBook storage mandates,
        mapping(uint256 networkId => mapping(address account => INetworkRegistry.Membership)) storage memberships,
        bytes32 domainSeparator,
        address member,
        IMandates.Mandate calldata mandate,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) public {
        if (deadline < block.timestamp) revert IMandates.MandateSignatureExpired(member, deadline);
        bytes32 digest = MessageHashUtils.toTypedDataHash(
            domainSeparator, AgreementHashing.hashSetMandate(member, mandate, nonce, deadline)
        );
        if (!SignatureChecker.isValidSignatureNow(member, digest, signature)) {
            revert IMandates.InvalidMandateSignature(member);
        }
        _setMandate(mandates, memberships, member, mandate, nonce);
    }

    function _setMandate(
        MandateBook storage mandates,
        mapping(uint256 networkId => mapping(address account => INetworkRegistry.Membership)) storage memberships,
        address member,
        IMandates.Mandate calldata mandate,
        uint256 nonce
    ) private {
        uint256 networkId = mandate.networkId;
        if (memberships[networkId][member].status != INetworkRegistry.MemberStatus.Active) {
            revert INetworkRegistry.MemberNotActive(networkId, member);
        }
        _useMandateNonce(mandates, member, nonce);
        _checkMandate(mandate);
        StoredMandate storage stored = mandates.mandates[networkId][member];
        stored.bounds = MandateBounds({
            minShareBps: mandate.minShareBps,
            maxReferralFeeBps: mandate.maxReferralFeeBps,
            maxNetworkFeeBps: mandate.maxNetworkFeeBps,
            minHoldbackPeriod: mandate.minHoldbackPeriod,
            maxHoldbackPeriod: mandate.maxHoldbackPeriod,
            maxValidity: mandate.maxValidity,
            expiresAt: mandate.expiresAt,
            nonce: uint64(nonce) // sequential from 0: never near 2^64
        });
        stored.assets = mandate.assets;
        emit IMandates.MandateSet(networkId, member, nonce, mandate);
    }

    /// @notice Revokes `member`'s mandate for `networkId` (set or not) and uses up its current mandate nonce.
    function revokeMandate(MandateBook storage mandates, address member, uint256 networkId) public {
        uint256 nonce = mandates.nonces[member];
        _useMandateNonce(mandates, member, nonce);
        delete mandates.mandates[networkId][member];
        emit IMandates.MandateRevoked(networkId, member, nonce);
    }

    /// @notice Records the acceptance of every party of pending `agreementId` not yet accepted whose live
    /// mandate its terms fall inside (see {IMandates}).
    /// @dev Every party was an active member when the version was stored, in this same transaction.
    /// @return allAccepted Whether no acceptance is pending any more: the caller then activates the version.
    function acceptByMandates(AgreementBook storage book, MandateBook storage mandates, uint256 agreementId)
        public
        returns (bool allAccepted)
    {
        Agreement storage a = book.agreements[agreementId];
        mapping(address account => Position) storage positions = book.positions[agreementId];
        mapping(address member => StoredMandate) storage networkMandates = mandates.mandates[a.totals.networkId];
        address[] storage parties = a.parties;
        uint256 pending = a.pendingAcceptances;
        for (uint256 i; i < parties.length; ++i) {
            address party = parties[i];
            Position storage position = positions[party];
            if (position.accepted) continue;
            StoredMandate storage mandate = networkMandates[party];
            if (!_inside(a, position, mandate)) continue;
            position.accepted = true;
            --pending;
            emit IMandates.AcceptedByMandate(agreementId, party, mandate.bounds.nonce);
            emit IRevenueAgreements.AgreementAccepted(agreementId, party, false);
        }
        a.pendingAcceptances = uint16(pending); // at most the party count, a uint16
        allAccepted = pending == 0;
    }

    /// @notice Whether the terms of `agreementId` fall inside `party`'s live mandate for its network now.
    function isInsideMandate(
        AgreementBook storage book,
        MandateBook storage mandates,
        mapping(uint256 networkId => mapping(address account => INetworkRegistry.Membership)) storage memberships,
        uint256 agreementId,
        address party
    ) public view returns (bool) {
        Agreement storage a = book.agreements[agreementId];
        Position storage position = book.positions[agreementId][party];
        uint256 networkId = a.totals.networkId;
        return position.isParty && memberships[networkId][party].status == INetworkRegistry.MemberStatus.Active
            && _inside(a, position, mandates.mandates[networkId][party]);
    }

    /// @dev Whether stored version `a` falls inside `mandate` for the party at `position`, now.
    function _inside(Agreement storage a, Position storage position, StoredMandate storage mandate)
        private
        view
        returns (bool)
    {
        MandateBounds memory m = mandate.bounds;
        // Unset and revoked mandates have expiresAt 0.
        if (block.timestamp >= m.expiresAt) return false;
        if (position.shareBps < m.minShareBps) return false;
        if (a.pricing.referralFeeBps > m.maxReferralFeeBps || a.pricing.networkFeeBps > m.maxNetworkFeeBps) return false;
        uint32 holdback = a.holdbackPeriod;
        if (holdback < m.minHoldbackPeriod || holdback > m.maxHoldbackPeriod) return false;
        if (a.pricing.validUntil - a.pricing.validFrom > m.maxValidity) return false;
        IRevenueAgreements.ReferralTier[] storage tiers = a.referralTiers;
        for (uint256 i; i < tiers.length; ++i) {
            if (tiers[i].feeBps > m.maxReferralFeeBps) return false;
        }
        return _allows(mandate.assets, a.pricing.asset);
    }

    function _allows(address[] storage assets, address asset) private view returns (bool) {
        for (uint256 i; i < assets.length; ++i) {
            if (assets[i] == asset) return true;
        }
        return false;
    }

    function _useMandateNonce(MandateBook storage mandates, address member, uint256 nonce) private {
        uint256 expected = mandates.nonces[member];
        if (nonce != expected) revert IMandates.InvalidMandateNonce(member, nonce, expected);
        mandates.nonces[member] = expected + 1;
    }

    function _checkMandate(IMandates.Mandate calldata mandate) private view {
        if (mandate.expiresAt <= block.timestamp) revert IMandates.MandateExpiryPassed(mandate.expiresAt);
        uint256 assetCount = mandate.assets.length;
        if (assetCount == 0 || assetCount > MAX_MANDATE_ASSETS) {
            revert IMandates.InvalidMandateAssets(assetCount, MAX_MANDATE_ASSETS);
        }
        if (mandate.minShareBps > SplitMath.BPS) revert IMandates.InvalidMandateShare(mandate.minShareBps);
        if (mandate.minHoldbackPeriod > mandate.maxHoldbackPeriod || mandate.maxHoldbackPeriod > MAX_HOLDBACK_PERIOD) {
            revert IMandates.InvalidMandateHoldback(mandate.minHoldbackPeriod, mandate.maxHoldbackPeriod);
        }
        if (mandate.maxValidity == 0) revert IMandates.InvalidMandateValidity(mandate.maxValidity);
    }

    /// @dev Stores the parties, the fee recipient's position, and checks the refunder is a party.
    function _storePositions(
        mapping(address account => Position) storage positions,
        mapping(address account => INetworkRegistry.Membership) storage members,
        Agreement storage a,
        IRevenueAgreements.AgreementTerms calldata terms
    ) private {
        uint16 count = _storeParties(positions, members, a, terms.parties);
        a.partyCount = count;
        a.pendingAcceptances = count;
        positions[terms.feeRecipient].isFeeRecipient = true;
        if (terms.refunder != address(0) && !positions[terms.refunder].isParty) {
            revert IRevenueAgreements.InvalidRefunder(terms.refunder);
        }
    }

    function _emitProposed(
        uint256 agreementId,
        address proposer,
        uint256 previousId,
        uint32 version,
        IRevenueAgreements.AgreementTerms calldata terms
    ) private {
        emit IRevenueAgreements.AgreementProposed(agreementId, terms.networkId, proposer, previousId, version, terms);
    }

    /// @dev Stores everything in `terms` but the parties.
    function _storeTerms(
        Agreement storage a,
        IRevenueAgreements.AgreementTerms calldata terms,
        bytes32 termsDigest,
        uint32 version,
        uint256 previousId,
        uint256 lineageId
    ) private {
        a.pricing.asset = terms.asset;
        a.pricing.validFrom = terms.validFrom;
        a.pricing.validUntil = terms.validUntil;
        a.pricing.referralFeeBps = terms.referralFeeBps;
        a.pricing.networkFeeBps = terms.networkFeeBps;
        a.totals.networkId = uint32(terms.networkId); // the registry numbers networks in uint32
        a.status = IRevenueAgreements.AgreementStatus.Pending;
        a.version = version;
        a.holdbackPeriod = terms.holdbackPeriod;
        a.feeRecipient = terms.feeRecipient;
        a.refunder = terms.refunder;
        a.termsDigest = termsDigest;
        a.previousId = previousId;
        a.lineageId = lineageId;
        uint256 tierCount = _storeTiers(a, terms.referralTiers);
        a.tierCount = uint8(tierCount);
        a.totals.flags = (terms.asset == address(0) ? AgreementFlags.NATIVE : 0)
            | (tierCount != 0 ? AgreementFlags.TIERED : 0) | (terms.holdbackPeriod != 0 ? AgreementFlags.HELD : 0)
            | (terms.referrerRoles << AgreementFlags.REFERRER_ROLES_SHIFT);
    }

    /// @dev Validates everything in `terms` but the parties and tiers, which are checked as they are stored.
    function _checkTerms(
        INetworkRegistry.Network storage net,
        mapping(address account => INetworkRegistry.Membership) storage members,
        IRevenueAgreements.AgreementTerms calldata terms,
        address proposer
    ) private view {
        if (proposer != net.operator && members[proposer].status != INetworkRegistry.MemberStatus.Active) {
            revert IRevenueAgreements.NotAllowedToPropose(terms.networkId, proposer);
        }
        if (terms.feeRecipient != net.feeRecipient || terms.networkFeeBps != net.feeBps) {
            revert IRevenueAgreements.NetworkFeeTermsChanged(net.feeRecipient, net.feeBps);
        }
        if (terms.referralFeeBps > MAX_REFERRAL_FEE_BPS) {
            revert IRevenueAgreements.ReferralFeeTooHigh(terms.referralFeeBps, MAX_REFERRAL_FEE_BPS);
        }
        if (terms.referrerRoles > ALL_ROLES) revert IRevenueAgreements.InvalidReferrerRoles(terms.referrerRoles);
        if (terms.validFrom >= terms.validUntil || terms.validUntil <= block.timestamp) {
            revert IRevenueAgreements.InvalidValidityWindow(terms.validFrom, terms.validUntil);
        }
        if (terms.asset != address(0) && terms.asset.code.length == 0) {
            revert IRevenueAgreements.AssetNotAContract(terms.asset);
        }
        if (terms.holdbackPeriod > MAX_HOLDBACK_PERIOD) {
            revert IRevenueAgreements.HoldbackTooLong(terms.holdbackPeriod, MAX_HOLDBACK_PERIOD);
        }
        // A refunder makes sense only with a holdback, and a holdback only with a refunder.
        if ((terms.holdbackPeriod == 0) != (terms.refunder == address(0))) {
            revert IRevenueAgreements.InvalidRefunder(terms.refunder);
        }
        uint256 count = terms.parties.length;
        if (count == 0 || count > MAX_PARTIES) revert IRevenueAgreements.InvalidPartyCount(count, MAX_PARTIES);
    }

    /// @dev A version that follows `base` keeps its network and its asset: referral volumes and tier thresholds
    /// are counted in the lineage's one asset.
    function _checkLineage(Agreement storage base, IRevenueAgreements.AgreementTerms calldata terms) private view {
        if (base.totals.networkId != terms.networkId) {
            revert IRevenueAgreements.AmendmentChangesNetwork(base.totals.networkId, terms.networkId);
        }
        if (base.pricing.asset != terms.asset) revert IRevenueAgreements.AmendmentChangesAsset(base.pricing.asset, terms.asset);
    }

    /// @dev A version that follows `base` keeps every one of its parties (a 0 share lets one leave).
    function _checkKeepsParties(Agreement storage base, mapping(address account => Position) storage positions)
        private
        view
    {
        address[] storage baseParties = base.parties;
        for (uint256 i; i < baseParties.length; ++i) {
            if (!positions[baseParties[i]].isParty) revert IRevenueAgreements.AmendmentDropsParty(baseParties[i]);
        }
    }

    /// @dev Stores the parties with their slices of the vendor pool; each must be a distinct active member.
    function _storeParties(
        mapping(address account => Position) storage positions,
        mapping(address account => INetworkRegistry.Membership) storage members,
        Agreement storage a,
        IRevenueAgreements.Party[] calldata parties
    ) private returns (uint16 count) {
        count = uint16(parties.length); // at most MAX_PARTIES, checked with the terms
        uint256 shareStart;
        for (uint256 i; i < count; ++i) {
            address account = parties[i].account;
            uint16 shareBps = parties[i].shareBps;
            if (account == address(0)) revert IRevenueAgreements.ZeroAddressParty();
            if (members[account].status != INetworkRegistry.MemberStatus.Active) {
                revert INetworkRegistry.MemberNotActive(a.totals.networkId, account);
            }
            Position storage position = positions[account];
            if (position.isParty) revert IRevenueAgreements.DuplicateParty(account);
            // Sums of at most 50 uint16 values: no overflow, and checked against BPS below.
            position.shareStart = uint16(shareStart);
            position.shareBps = shareBps;
            position.isParty = true;
            a.parties.push(account);
            shareStart += shareBps;
            if (shareStart > SplitMath.BPS) revert IRevenueAgreements.SharesDoNotSumToWhole(shareStart);
        }
        if (shareStart != SplitMath.BPS) revert IRevenueAgreements.SharesDoNotSumToWhole(shareStart);
    }

    /// @dev Stores the tiers above the base rate: ascending thresholds above 0, rates within the cap.
    function _storeTiers(Agreement storage a, IRevenueAgreements.ReferralTier[] calldata tiers)
        private
        returns (uint256 count)
    {
        count = tiers.length;
        if (count > MAX_REFERRAL_TIERS) revert IRevenueAgreements.InvalidReferralTier(MAX_REFERRAL_TIERS);
        uint256 previousFrom;
        for (uint256 i; i < count; ++i) {
            IRevenueAgreements.ReferralTier calldata tier = tiers[i];
            if (tier.fromVolume <= previousFrom || tier.feeBps > MAX_REFERRAL_FEE_BPS) {
                revert IRevenueAgreements.InvalidReferralTier(i);
            }
            previousFrom = tier.fromVolume;
            a.referralTiers.push(tier);
        }
    }
}
