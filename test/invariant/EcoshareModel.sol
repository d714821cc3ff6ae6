// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ecoshare} from "../../contracts/Ecoshare.sol";
import {IMandates} from "../../contracts/interfaces/IMandates.sol";
import {INetworkRegistry} from "../../contracts/interfaces/INetworkRegistry.sol";
import {IReferralPayments} from "../../contracts/interfaces/IReferralPayments.sol";
import {IRevenueAgreements} from "../../contracts/interfaces/IRevenueAgreements.sol";
import {MockStablecoin} from "../../contracts/mocks/MockStablecoin.sol";
import {OwnedERC1271Wallet} from "../../contracts/mocks/OwnedERC1271Wallet.sol";
import {TestBase} from "../utils/TestBase.sol";

/// @title EcoshareModel
/// @notice A second, independent bookkeeping of everything the invariant handler did to Ecoshare: networks,
/// memberships, agreements, payments, collections and payouts. The handler asks it what each call must do
/// (succeed, or revert with which error) before making the call, and the invariants compare it with the
/// contract's own state.
/// @dev Written from the interfaces' documented rules and docs/architecture.md, not from the implementation:
/// where the model and the contract disagree, one of them misreads the spec. Even the rounding formulas are
/// restated here rather than taken from SplitMath, whose own fuzz tests (test/fuzz) pin them down.
// The model keeps one variable per thing the contract keeps (networks, memberships, roles, agreements...).
// solhint-disable-next-line max-states-count
abstract contract EcoshareModel is TestBase {
    uint256 internal constant BPS = 10_000;
    address internal constant ETH = address(0);
    uint16 internal constant MAX_NETWORK_FEE_BPS = 1_000;
    uint16 internal constant MAX_REFERRAL_FEE_BPS = 5_000;
    uint8 internal constant ALL_REFERRER_ROLES = 7;
    /// @dev The running totals' widths: vendor pools (and held vendor shares) in 112 bits, network fees in 104.
    uint256 internal constant MAX_VENDOR_POOL = type(uint112).max;
    uint256 internal constant MAX_NETWORK_FEES = type(uint104).max;
    uint256 internal constant MAX_REFERRAL_TIERS = 8;
    uint32 internal constant MAX_HOLDBACK_PERIOD = 180 days;
    uint256 internal constant MAX_MANDATE_ASSETS = 8;

    struct GhostNetwork {
        address operator;
        address pendingOperator;
        INetworkRegistry.NetworkKind kind;
        address feeRecipient;
        uint16 feeBps;
    }

    struct GhostAgreement {
        uint256 networkId;
        address asset;
        IRevenueAgreements.AgreementStatus status;
        uint32 version;
        uint256 previousId;
        uint16 referralFeeBps;
        uint16 networkFeeBps;
        address feeRecipient;
        uint32 validFrom;
        uint32 validUntil;
        /// Bitmask of the member roles that may refer (0: any active member).
        uint8 referrerRoles;
        uint256 pendingAcceptances;
        address[] parties;
        uint256 vendorPool;
        uint256 networkFees;
        uint256 networkFeesCollected;
        uint256 lineageId;
        uint32 holdbackPeriod;
        address refunder;
        /// Payments to it still held (neither released nor refunded), and their vendor shares and network fees.
        uint256 heldPayments;
        uint256 heldVendorShares;
        uint256 heldNetworkFees;
        IRevenueAgreements.ReferralTier[] tiers;
    }

    struct GhostLineage {
        /// The last version number given out in the lineage.
        uint32 latestVersion;
        /// The version active now (0: none yet; a terminated one stays named).
        uint256 activeVersion;
        /// Per referrer: the volume earned under tiered versions: a payment counts when credited (at once, or
        /// for a held payment once released; a refunded one never counts).
        mapping(address referrer => uint256) referredVolume;
    }

    struct Hold {
        IReferralPayments.HeldPayment record;
        HoldState state;
        /// Set from the HeldPaymentReleased / HeldPaymentRefunded events the handler saw, not from the model.
        bool releasedSeen;
        bool refundedSeen;
    }

    /// @notice Where a held payment stands. A payment moves from Held to Released or to Refunded, never on.
    enum HoldState {
        None,
        Held,
        Released,
        Refunded
    }

    struct GhostPosition {
        bool isParty;
        bool accepted;
        uint16 shareStart;
        uint16 shareBps;
        uint256 collected;
    }

    // Set once in the constructor (plain storage: the project's lint wants SNAKE_CASE immutables).
    Ecoshare public ecoshare;
    MockStablecoin public token;

    address[] internal _actors;
    mapping(address account => uint256) internal _keyOf;

    uint256 public networkCount;
    mapping(uint256 networkId => GhostNetwork) internal _networks;
    mapping(uint256 networkId => mapping(address account => INetworkRegistry.MemberStatus)) internal _memberStatus;
    /// @dev Accounts that left while suspended: only the operator may let them back in.
    mapping(uint256 networkId => mapping(address account => bool)) internal _awaitsReinstatement;
    /// @dev The role each account named when it last joined (a referrer's role decides whether it may refer).
    mapping(uint256 networkId => mapping(address account => INetworkRegistry.MemberRole)) internal _memberRole;

    uint256 public agreementCount;
    mapping(uint256 agreementId => GhostAgreement) internal _agreements;
    mapping(uint256 agreementId => mapping(address account => GhostPosition)) internal _positions;
    /// @dev Per lineage: versions, the active one, and loyalty.
    mapping(uint256 lineageId => GhostLineage) internal _lineages;
    /// @dev Every held payment ever recorded, as PaymentHeld reported it, in hold id order (index = id - 1).
    Hold[] internal _holds;
    /// @dev Each member's standing mandate per network (`expiresAt` 0: none) and the nonce it was set with.
    mapping(uint256 networkId => mapping(address member => IMandates.Mandate)) internal _mandates;
    mapping(uint256 networkId => mapping(address member => uint256)) internal _mandateSetWith;
    /// @dev Each member's sequential mandate nonce: the one its next set or revocation uses.
    mapping(address member => uint256) internal _mandateNonces;

    /// @notice The model's books for one account in one asset.
    struct AccountLedger {
        /// What it may withdraw without naming agreements: its referral fees not yet paid out.
        uint256 balance;
        /// Every referral fee ever credited to it.
        uint256 referralCredited;
        /// Every party share and network fee it ever collected from agreements.
        uint256 collected;
        /// Everything ever paid out for it (to itself or where it said).
        uint256 withdrawn;
        /// Every held payment ever refunded to its balance as the payment's refund recipient.
        uint256 refunded;
    }

    /// @notice Every payment ever taken, and every payout ever made, in one asset.
    struct AssetTotals {
        uint256 deposited;
        uint256 paidOut;
        /// The amounts of the payments still held.
        uint256 held;
        /// The amounts of the held payments released and refunded so far.
        uint256 released;
        uint256 refunded;
    }

    mapping(address account => mapping(address asset => AccountLedger)) internal _ledger;
    mapping(address asset => AssetTotals) internal _totals;

    /// @dev `actorCount - 1` EOAs and, last, an ERC-1271 smart wallet; each has a private key (the wallet's is
    /// its owner's) so that it can sign acceptances. The wallet has no `receive`: it takes its ETH out with
    /// withdrawTo, and cannot sign EIP-2612 permits.
    constructor(Ecoshare ecoshare_, MockStablecoin token_, uint256 actorCount) {
        ecoshare = ecoshare_;
        token = token_;
        for (uint256 i; i < actorCount; ++i) {
            uint256 key = uint256(keccak256(abi.encode("ecoshare.invariant.actor", i)));
            address account = vm.addr(key);
            if (i + 1 == actorCount) {
                vm.prank(account); // the wallet's signer is its deployer
                account = address(new OwnedERC1271Wallet());
            }
            _actors.push(account);
            _keyOf[account] = key;
            vm.label(account, string.concat(i + 1 < actorCount ? "actor" : "smartWallet", vm.toString(i)));
        }
    }

    /// @notice The actor that is a smart wallet (ERC-1271, refuses ETH).
    function smartWallet() public view returns (address) {
        return _actors[_actors.length - 1];
    }

    // ------------------------------------------------------------------------------------------------
    // Views for the invariant test
    // ------------------------------------------------------------------------------------------------

    function ghostMandate(uint256 networkId, address member)
        external
        view
        returns (IMandates.Mandate memory mandate, uint256 setWith, uint256 nextNonce)
    {
        return (_mandates[networkId][member], _mandateSetWith[networkId][member], _mandateNonces[member]);
    }

    function actors() external view returns (address[] memory) {
        return _actors;
    }

    /// @notice The two assets agreements use: ETH (address(0)) and the stablecoin.
    function assets() public view returns (address[2] memory) {
        return [ETH, address(token)];
    }

    function ghostLedger(address account, address asset) external view returns (AccountLedger memory) {
        return _ledger[account][asset];
    }

    function ghostTotals(address asset) external view returns (AssetTotals memory) {
        return _totals[asset];
    }

    function ghostNetwork(uint256 networkId) external view returns (GhostNetwork memory) {
        return _networks[networkId];
    }

    function ghostMemberStatus(uint256 networkId, address account)
        external
        view
        returns (INetworkRegistry.MemberStatus)
    {
        return _memberStatus[networkId][account];
    }

    function ghostAwaitsReinstatement(uint256 networkId, address account) external view returns (bool) {
        return _awaitsReinstatement[networkId][account];
    }

    function ghostAgreement(uint256 agreementId) external view returns (GhostAgreement memory) {
        return _agreements[agreementId];
    }

    function ghostPosition(uint256 agreementId, address account) external view returns (GhostPosition memory) {
        return _positions[agreementId][account];
    }

    function heldCount() external view returns (uint256) {
        return _holds.length;
    }

    function ghostHeld(uint256 index) external view returns (IReferralPayments.HeldPayment memory, HoldState) {
        return (_holds[index].record, _holds[index].state);
    }

    function ghostSettlementsSeen(uint256 holdId) external view returns (bool released, bool refunded) {
        return (_holds[holdId - 1].releasedSeen, _holds[holdId - 1].refundedSeen);
    }

    /// @notice The tier and rate a payment naming `referrer` would pay in `agreementId` now, by the model.
    function ghostTier(uint256 agreementId, address referrer) external view returns (uint256 tier, uint256 rate) {
        return _tierOf(agreementId, referrer);
    }

    function ghostReferredVolume(uint256 lineageId, address referrer) external view returns (uint256) {
        return _lineages[lineageId].referredVolume[referrer];
    }

    function ghostActiveVersion(uint256 lineageId) external view returns (uint256) {
        return _lineages[lineageId].activeVersion;
    }

    /// @notice The status `agreement()` must report: a pending version outrun by a competing one that
    /// activated in its lineage can never activate, and shows as Superseded.
    function ghostReportedStatus(uint256 agreementId) public view returns (IRevenueAgreements.AgreementStatus) {
        GhostAgreement storage a = _agreements[agreementId];
        if (a.status == IRevenueAgreements.AgreementStatus.Pending && _winnerOver(agreementId) != 0) {
            return IRevenueAgreements.AgreementStatus.Superseded;
        }
        return a.status;
    }

    /// @notice What the parties of `agreementId` have collected so far, together.
    function ghostPartiesCollected(uint256 agreementId) public view returns (uint256 sum) {
        address[] storage parties = _agreements[agreementId].parties;
        for (uint256 i; i < parties.length; ++i) {
            sum += _positions[agreementId][parties[i]].collected;
        }
    }

    /// @notice Whether the vendor pool of `agreementId` can no longer grow.
    function ghostIsClosed(uint256 agreementId) public view returns (bool) {
        GhostAgreement storage a = _agreements[agreementId];
        // A held payment may still be released into the pool: not closed until none is left.
        if (a.heldPayments != 0) return false;
        return a.status == IRevenueAgreements.AgreementStatus.Terminated
            || a.status == IRevenueAgreements.AgreementStatus.Superseded || block.timestamp > a.validUntil;
    }

    /// @notice What `account` may collect from `agreementId` now, as a party and as its fee recipient.
    function ghostOwed(uint256 agreementId, address account) public view returns (uint256 partyShare, uint256 fee) {
        GhostAgreement storage a = _agreements[agreementId];
        GhostPosition storage p = _positions[agreementId][account];
        if (p.shareBps != 0) {
            uint256 entitled = ghostIsClosed(agreementId)
                ? _finalShare(a.vendorPool, p.shareStart, p.shareBps)
                : _openShare(a.vendorPool, p.shareBps);
            partyShare = entitled - p.collected;
        }
        if (account == a.feeRecipient) fee = a.networkFees - a.networkFeesCollected;
    }

    /// @notice The most `account` can ever be owed by the agreements in `asset` as they stand: its final slice
    /// of each vendor pool plus each network fee it receives. Computed from the model's pools alone.
    function ghostMaxEarnings(address account, address asset) public view returns (uint256 sum) {
        for (uint256 id = 1; id <= agreementCount; ++id) {
            GhostAgreement storage a = _agreements[id];
            if (a.asset != asset) continue;
            GhostPosition storage p = _positions[id][account];
            sum += _finalShare(a.vendorPool, p.shareStart, p.shareBps);
            if (account == a.feeRecipient) sum += a.networkFees;
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Predictions: the error selector a call must revert with, or bytes4(0) when it must succeed
    // ------------------------------------------------------------------------------------------------

    function _networkExists(uint256 networkId) internal view returns (bool) {
        return networkId != 0 && networkId <= networkCount;
    }

    function _agreementExists(uint256 agreementId) internal view returns (bool) {
        return agreementId != 0 && agreementId <= agreementCount;
    }

    function _isActive(uint256 networkId, address account) internal view returns (bool) {
        return _memberStatus[networkId][account] == INetworkRegistry.MemberStatus.Active;
    }

    /// @dev Who may admit, per {INetworkRegistry.NetworkKind}.
    function _canAdmit(uint256 networkId, address account) internal view returns (bool) {
        GhostNetwork storage net = _networks[networkId];
        if (account == net.operator || net.kind == INetworkRegistry.NetworkKind.Marketplace) return true;
        return net.kind == INetworkRegistry.NetworkKind.PeerToPeer && _isActive(networkId, account);
    }

    function _predictFeeTerms(address feeRecipient, uint16 feeBps) internal pure returns (bytes4) {
        if (feeRecipient == address(0)) return INetworkRegistry.ZeroFeeRecipient.selector;
        if (feeBps > MAX_NETWORK_FEE_BPS) return INetworkRegistry.NetworkFeeTooHigh.selector;
        return 0;
    }

    function _predictOperatorCall(uint256 networkId, address caller) internal view returns (bytes4) {
        if (!_networkExists(networkId)) return INetworkRegistry.UnknownNetwork.selector;
        if (_networks[networkId].operator != caller) return INetworkRegistry.NotNetworkOperator.selector;
        return 0;
    }

    function _predictJoin(uint256 networkId, address account) internal view returns (bytes4) {
        if (!_networkExists(networkId)) return INetworkRegistry.UnknownNetwork.selector;
        if (_memberStatus[networkId][account] != INetworkRegistry.MemberStatus.None) {
            return INetworkRegistry.AlreadyMember.selector;
        }
        return 0;
    }

    /// @dev Whether `account`'s join makes it active at once: it could admit itself, and it did not leave while
    /// suspended (leaving never lifts a suspension).
    function _admittedOnJoin(uint256 networkId, address account) internal view returns (bool) {
        return !_awaitsReinstatement[networkId][account] && _canAdmit(networkId, account);
    }

    /// @dev Admit and decline answer the same callers, about the same pending requests; only the operator
    /// answers an account that left while suspended.
    function _predictAnswer(uint256 networkId, address caller, address account) internal view returns (bytes4) {
        if (!_networkExists(networkId)) return INetworkRegistry.UnknownNetwork.selector;
        bool allowed = _awaitsReinstatement[networkId][account]
            ? caller == _networks[networkId].operator
            : _canAdmit(networkId, caller);
        if (!allowed) return INetworkRegistry.NotAllowedToAdmit.selector;
        if (_memberStatus[networkId][account] != INetworkRegistry.MemberStatus.Pending) {
            return INetworkRegistry.UnexpectedMemberStatus.selector;
        }
        return 0;
    }

    function _predictStatusMove(
        uint256 networkId,
        address caller,
        address account,
        INetworkRegistry.MemberStatus from
    ) internal view returns (bytes4) {
        bytes4 err = _predictOperatorCall(networkId, caller);
        if (err != 0) return err;
        if (_memberStatus[networkId][account] != from) return INetworkRegistry.UnexpectedMemberStatus.selector;
        return 0;
    }

    function _predictLeave(uint256 networkId, address account) internal view returns (bytes4) {
        if (!_networkExists(networkId)) return INetworkRegistry.UnknownNetwork.selector;
        if (_memberStatus[networkId][account] == INetworkRegistry.MemberStatus.None) {
            return INetworkRegistry.NotMember.selector;
        }
        return 0;
    }

    /// @dev Follows propose/proposeAmendment/counterPropose: the amended or countered version, the terms, the
    /// tiers, each party in order, the refunder, then the successor's completeness. `baseId` is the amended
    /// version (`countering` false) or the countered one (true), 0 for a new lineage. Activation cannot fail
    /// here: the window is still open, every party active, and the replaced version was just checked.
    function _predictPropose(
        address proposer,
        uint256 baseId,
        bool countering,
        IRevenueAgreements.AgreementTerms memory t
    ) internal view returns (bytes4) {
        if (baseId != 0) {
            if (countering) {
                bytes4 err = _predictPending(baseId);
                if (err != 0) return err;
                if (!_positions[baseId][proposer].isParty) return IRevenueAgreements.NotAgreementParty.selector;
            } else {
                if (!_agreementExists(baseId)) return IRevenueAgreements.UnknownAgreement.selector;
                if (_agreements[baseId].status != IRevenueAgreements.AgreementStatus.Active) {
                    return IRevenueAgreements.UnexpectedAgreementStatus.selector;
                }
            }
        }
        if (!_networkExists(t.networkId)) return INetworkRegistry.UnknownNetwork.selector;
        bytes4 lineageErr = _predictLineage(baseId, t);
        if (lineageErr != 0) return lineageErr;
        GhostNetwork storage net = _networks[t.networkId];
        if (proposer != net.operator && !_isActive(t.networkId, proposer)) {
            return IRevenueAgreements.NotAllowedToPropose.selector;
        }
        if (t.feeRecipient != net.feeRecipient || t.networkFeeBps != net.feeBps) {
            return IRevenueAgreements.NetworkFeeTermsChanged.selector;
        }
        if (t.referralFeeBps > MAX_REFERRAL_FEE_BPS) return IRevenueAgreements.ReferralFeeTooHigh.selector;
        if (t.referrerRoles > ALL_REFERRER_ROLES) return IRevenueAgreements.InvalidReferrerRoles.selector;
        if (t.validFrom >= t.validUntil || t.validUntil <= block.timestamp) {
            return IRevenueAgreements.InvalidValidityWindow.selector;
        }
        if (t.holdbackPeriod > MAX_HOLDBACK_PERIOD) return IRevenueAgreements.HoldbackTooLong.selector;
        // A refunder exactly when there is a holdback.
        if ((t.holdbackPeriod == 0) != (t.refunder == address(0))) return IRevenueAgreements.InvalidRefunder.selector;
        bytes4 contentErr = _predictTiersAndParties(t);
        if (contentErr != 0) return contentErr;
        if (t.refunder != address(0) && !_contains(t.parties, t.refunder)) {
            return IRevenueAgreements.InvalidRefunder.selector;
        }
        if (baseId != 0) {
            address[] storage baseParties = _agreements[baseId].parties;
            for (uint256 i; i < baseParties.length; ++i) {
                if (!_contains(t.parties, baseParties[i])) return IRevenueAgreements.AmendmentDropsParty.selector;
            }
        }
        return 0;
    }

    /// @dev A version that follows another keeps its network and its asset (the lineage's volumes are in one
    /// asset).
    function _predictLineage(uint256 baseId, IRevenueAgreements.AgreementTerms memory t)
        internal
        view
        returns (bytes4)
    {
        if (baseId == 0) return 0;
        if (_agreements[baseId].networkId != t.networkId) return IRevenueAgreements.AmendmentChangesNetwork.selector;
        if (_agreements[baseId].asset != t.asset) return IRevenueAgreements.AmendmentChangesAsset.selector;
        return 0;
    }

    /// @dev The tiers (count, ascending thresholds above 0, rates within the cap), then each party in order
    /// (active member, no duplicate, shares summing to the whole), as the contract stores them.
    function _predictTiersAndParties(IRevenueAgreements.AgreementTerms memory t) internal view returns (bytes4) {
        if (t.referralTiers.length > MAX_REFERRAL_TIERS) return IRevenueAgreements.InvalidReferralTier.selector;
        uint256 previousFrom;
        for (uint256 i; i < t.referralTiers.length; ++i) {
            if (t.referralTiers[i].fromVolume <= previousFrom || t.referralTiers[i].feeBps > MAX_REFERRAL_FEE_BPS) {
                return IRevenueAgreements.InvalidReferralTier.selector;
            }
            previousFrom = t.referralTiers[i].fromVolume;
        }
        uint256 shareSum;
        for (uint256 i; i < t.parties.length; ++i) {
            address account = t.parties[i].account;
            if (!_isActive(t.networkId, account)) return INetworkRegistry.MemberNotActive.selector;
            for (uint256 j; j < i; ++j) {
                if (t.parties[j].account == account) return IRevenueAgreements.DuplicateParty.selector;
            }
            shareSum += t.parties[i].shareBps;
            if (shareSum > BPS) return IRevenueAgreements.SharesDoNotSumToWhole.selector;
        }
        if (shareSum != BPS) return IRevenueAgreements.SharesDoNotSumToWhole.selector;
        return 0;
    }

    /// @dev The competing version that activated over pending version `agreementId`, or 0: the lineage's
    /// active version, unless it is the one `agreementId` would replace.
    function _winnerOver(uint256 agreementId) internal view returns (uint256) {
        GhostAgreement storage a = _agreements[agreementId];
        uint256 active = _lineages[a.lineageId].activeVersion;
        return active == a.previousId ? 0 : active;
    }

    /// @dev Why `agreementId` can no longer be accepted or countered, or 0: it must be a pending version whose
    /// thread nobody settled, replacing a version still active (if any).
    function _predictPending(uint256 agreementId) internal view returns (bytes4) {
        if (!_agreementExists(agreementId)) return IRevenueAgreements.UnknownAgreement.selector;
        GhostAgreement storage a = _agreements[agreementId];
        if (a.status != IRevenueAgreements.AgreementStatus.Pending) {
            return IRevenueAgreements.UnexpectedAgreementStatus.selector;
        }
        if (_winnerOver(agreementId) != 0) return IRevenueAgreements.NegotiationSettled.selector;
        if (a.previousId != 0 && _agreements[a.previousId].status != IRevenueAgreements.AgreementStatus.Active) {
            return IRevenueAgreements.UnexpectedAgreementStatus.selector;
        }
        return 0;
    }

    function _predictAccept(uint256 agreementId, address party) internal view returns (bytes4) {
        bytes4 err = _predictPending(agreementId);
        if (err != 0) return err;
        GhostAgreement storage a = _agreements[agreementId];
        GhostPosition storage p = _positions[agreementId][party];
        if (!p.isParty) return IRevenueAgreements.NotAgreementParty.selector;
        if (p.accepted) return IRevenueAgreements.AlreadyAccepted.selector;
        if (!_isActive(a.networkId, party)) return INetworkRegistry.MemberNotActive.selector;
        if (a.pendingAcceptances == 1) return _predictActivation(agreementId);
        return 0;
    }

    /// @dev The last acceptance activates: the window must still be open, every party active, and the amended
    /// version (if any) still active.
    function _predictActivation(uint256 agreementId) internal view returns (bytes4) {
        GhostAgreement storage a = _agreements[agreementId];
        if (a.validUntil < block.timestamp) return IRevenueAgreements.InvalidValidityWindow.selector;
        for (uint256 i; i < a.parties.length; ++i) {
            if (!_isActive(a.networkId, a.parties[i])) return INetworkRegistry.MemberNotActive.selector;
        }
        if (a.previousId != 0 && _agreements[a.previousId].status != IRevenueAgreements.AgreementStatus.Active) {
            return IRevenueAgreements.UnexpectedAgreementStatus.selector;
        }
        return 0;
    }

    function _predictTerminate(uint256 agreementId, address caller) internal view returns (bytes4) {
        if (!_agreementExists(agreementId)) return IRevenueAgreements.UnknownAgreement.selector;
        IRevenueAgreements.AgreementStatus status = _agreements[agreementId].status;
        if (status != IRevenueAgreements.AgreementStatus.Pending && status != IRevenueAgreements.AgreementStatus.Active)
        {
            return IRevenueAgreements.UnexpectedAgreementStatus.selector;
        }
        if (!_positions[agreementId][caller].isParty) return IRevenueAgreements.NotAgreementParty.selector;
        return 0;
    }

    /// @dev Whether `agreementId` may take a payment now, in the model's eyes. Unknown agreements never may.
    function _predictPaymentWindow(uint256 agreementId, address asset) internal view returns (bytes4) {
        GhostAgreement storage a = _agreements[agreementId];
        if (!_agreementExists(agreementId) || a.status != IRevenueAgreements.AgreementStatus.Active) {
            return IReferralPayments.AgreementNotActive.selector;
        }
        if (a.asset != asset) return IReferralPayments.WrongPaymentAsset.selector;
        if (block.timestamp < a.validFrom) return IReferralPayments.AgreementNotYetValid.selector;
        if (block.timestamp > a.validUntil) return IReferralPayments.AgreementExpired.selector;
        return 0;
    }

    /// @notice What the earlier lines of one order add before a later line is split: the vendor shares and
    /// network fees each agreement took (credited or held, both count toward the running totals' caps) and the
    /// volume each referrer earned at once in each lineage.
    struct OrderGrowth {
        uint256[] vendorShares;
        uint256[] networkFees;
        uint256[] volumeLineages;
        address[] volumeReferrers;
        uint256[] volumes;
        uint256 volumeCount;
    }

    function _newOrderGrowth(uint256 lineCount) internal view returns (OrderGrowth memory) {
        return OrderGrowth({
            vendorShares: new uint256[](agreementCount + 1),
            networkFees: new uint256[](agreementCount + 1),
            volumeLineages: new uint256[](lineCount),
            volumeReferrers: new address[](lineCount),
            volumes: new uint256[](lineCount),
            volumeCount: 0
        });
    }

    /// @dev The first error the lines of one payment or order hit when split in order by `payer`, or 0. Nothing
    /// is committed: the growth of earlier lines is carried in memory (all or nothing).
    function _predictLines(address payer, address refundTo, IReferralPayments.OrderLine[] memory lines)
        internal
        view
        returns (bytes4)
    {
        OrderGrowth memory growth = _newOrderGrowth(lines.length);
        for (uint256 i; i < lines.length; ++i) {
            bytes4 err = _predictLine(payer, refundTo, lines[i], growth);
            if (err != 0) return err;
        }
        return 0;
    }

    /// @dev One line: a non-zero amount, an agreement open for payments in that asset, a referrer allowed to
    /// refer (neither the payer nor the refund recipient it names, an active member, in a role the agreement
    /// accepts), and running totals that still
    /// fit once this line (and, for a held one, every payment still held) is credited.
    function _predictLine(
        address payer,
        address refundTo,
        IReferralPayments.OrderLine memory line,
        OrderGrowth memory growth
    ) internal view returns (bytes4) {
        if (line.amount == 0) return IReferralPayments.ZeroPayment.selector;
        bytes4 err = _predictPaymentWindow(line.agreementId, line.asset);
        if (err != 0) return err;
        GhostAgreement storage a = _agreements[line.agreementId];
        address referrer = line.referrer;
        if (referrer != address(0)) {
            if (referrer == payer || referrer == refundTo) return IReferralPayments.SelfReferral.selector;
            if (!_isActive(a.networkId, referrer)) return IReferralPayments.ReferrerNotActiveMember.selector;
            if (!_mayRefer(line.agreementId, referrer)) return IReferralPayments.ReferrerRoleNotAllowed.selector;
        }
        uint256 volume = _lineages[a.lineageId].referredVolume[referrer] + _grownVolume(growth, a.lineageId, referrer);
        (, uint256 rate) = _tierAt(line.agreementId, referrer, volume);
        uint256 networkFee = line.amount * a.networkFeeBps / BPS;
        uint256 vendorShare = line.amount - networkFee - line.amount * rate / BPS;
        uint256 id = line.agreementId;
        if (
            a.vendorPool + a.heldVendorShares + growth.vendorShares[id] + vendorShare > MAX_VENDOR_POOL
                || a.networkFees + a.heldNetworkFees + growth.networkFees[id] + networkFee > MAX_NETWORK_FEES
        ) return IReferralPayments.AmountTooLarge.selector;
        growth.vendorShares[id] += vendorShare;
        growth.networkFees[id] += networkFee;
        if (referrer != address(0) && a.tiers.length != 0 && a.holdbackPeriod == 0) {
            _growVolume(growth, a.lineageId, referrer, line.amount);
        }
        return 0;
    }

    /// @dev Whether `referrer`'s role (the one it joined with) is among those `agreementId` lets refer.
    function _mayRefer(uint256 agreementId, address referrer) internal view returns (bool) {
        GhostAgreement storage a = _agreements[agreementId];
        uint256 role = uint256(_memberRole[a.networkId][referrer]);
        return a.referrerRoles == 0 || (uint256(a.referrerRoles) >> role) & 1 == 1;
    }

    function _grownVolume(OrderGrowth memory growth, uint256 lineageId, address referrer)
        internal
        pure
        returns (uint256)
    {
        for (uint256 i; i < growth.volumeCount; ++i) {
            if (growth.volumeLineages[i] == lineageId && growth.volumeReferrers[i] == referrer) return growth.volumes[i];
        }
        return 0;
    }

    function _growVolume(OrderGrowth memory growth, uint256 lineageId, address referrer, uint256 amount)
        internal
        pure
    {
        for (uint256 i; i < growth.volumeCount; ++i) {
            if (growth.volumeLineages[i] == lineageId && growth.volumeReferrers[i] == referrer) {
                growth.volumes[i] += amount;
                return;
            }
        }
        uint256 n = growth.volumeCount;
        ++growth.volumeCount;
        (growth.volumeLineages[n], growth.volumeReferrers[n], growth.volumes[n]) = (lineageId, referrer, amount);
    }

    /// @dev The referral rate a payment naming `referrer` pays now (0 without a referrer): the base rate, or
    /// with tiers the rate of the highest tier whose threshold the referrer's earned lineage volume had reached
    /// before this payment. Restated from docs/architecture.md ("Loyalty tiers").
    function _referralRate(uint256 agreementId, address referrer) internal view returns (uint256 rate) {
        (, rate) = _tierOf(agreementId, referrer);
    }

    function _tierOf(uint256 agreementId, address referrer) internal view returns (uint256 tier, uint256 rate) {
        return _tierAt(agreementId, referrer, _lineages[_agreements[agreementId].lineageId].referredVolume[referrer]);
    }

    function _tierAt(uint256 agreementId, address referrer, uint256 volume)
        internal
        view
        returns (uint256 tier, uint256 rate)
    {
        if (referrer == address(0)) return (0, 0);
        GhostAgreement storage a = _agreements[agreementId];
        rate = a.referralFeeBps;
        for (uint256 i; i < a.tiers.length; ++i) {
            if (volume >= a.tiers[i].fromVolume) (tier, rate) = (i + 1, a.tiers[i].feeBps);
        }
    }

    /// @dev Releasing `records` in order from anyone: a record whose payment was already released or refunded
    /// (before, or earlier in this batch) is skipped, whatever else it says; every other one must still be held
    /// exactly as recorded and past its releaseAt, and crediting it must fit the agreement's running totals.
    /// Returns which records are skipped.
    function _predictRelease(IReferralPayments.HeldPayment[] memory records)
        internal
        view
        returns (bytes4, bool[] memory skipped)
    {
        skipped = new bool[](records.length);
        uint256[] memory poolGrowth = new uint256[](agreementCount + 1);
        uint256[] memory feeGrowth = new uint256[](agreementCount + 1);
        for (uint256 i; i < records.length; ++i) {
            IReferralPayments.HeldPayment memory r = records[i];
            skipped[i] = _isSettled(r.holdId);
            for (uint256 j; j < i && !skipped[i]; ++j) {
                skipped[i] = !skipped[j] && records[j].holdId == r.holdId;
            }
            if (skipped[i]) continue;
            if (!_isHeldAsRecorded(r)) return (IReferralPayments.UnknownHeldPayment.selector, skipped);
            if (block.timestamp < r.releaseAt) return (IReferralPayments.HoldbackNotOver.selector, skipped);
            GhostAgreement storage a = _agreements[r.agreementId];
            poolGrowth[r.agreementId] += r.vendorShare;
            feeGrowth[r.agreementId] += r.networkFee;
            if (
                a.vendorPool + poolGrowth[r.agreementId] > MAX_VENDOR_POOL
                    || a.networkFees + feeGrowth[r.agreementId] > MAX_NETWORK_FEES
            ) return (IReferralPayments.AmountTooLarge.selector, skipped);
        }
        return (0, skipped);
    }

    /// @dev Whether `holdId` names a payment that was held and has since been released or refunded.
    function _isSettled(uint256 holdId) internal view returns (bool) {
        return holdId != 0 && holdId <= _holds.length && _holds[holdId - 1].state != HoldState.Held;
    }

    /// @dev Refunding `r` from `caller`: only the refunder of the agreement the record names, only a payment
    /// still held exactly as recorded, only before its releaseAt.
    function _predictRefund(IReferralPayments.HeldPayment memory r, address caller) internal view returns (bytes4) {
        if (caller != _agreements[r.agreementId].refunder) return IReferralPayments.NotRefunder.selector;
        if (!_isHeldAsRecorded(r)) return IReferralPayments.UnknownHeldPayment.selector;
        if (block.timestamp >= r.releaseAt) return IReferralPayments.HoldbackOver.selector;
        return 0;
    }

    function _isHeldAsRecorded(IReferralPayments.HeldPayment memory r) internal view returns (bool) {
        if (r.holdId == 0 || r.holdId > _holds.length || _holds[r.holdId - 1].state != HoldState.Held) return false;
        return keccak256(abi.encode(r)) == keccak256(abi.encode(_holds[r.holdId - 1].record));
    }

    /// @dev What a withdrawal of `account`'s `asset` earnings from `ids` must pay out, or why it must fail.
    /// Collecting twice from one agreement in one call yields nothing the second time.
    function _predictWithdraw(address account, address recipient, address asset, uint256[] memory ids)
        internal
        view
        returns (bytes4 err, uint256 amount)
    {
        if (recipient == address(0)) return (IReferralPayments.ZeroRecipient.selector, 0);
        amount = _ledger[account][asset].balance;
        for (uint256 i; i < ids.length; ++i) {
            uint256 id = ids[i];
            if (!_agreementExists(id)) return (IRevenueAgreements.UnknownAgreement.selector, 0);
            if (_agreements[id].asset != asset) return (IReferralPayments.AgreementAssetMismatch.selector, 0);
            if (!_positions[id][account].isParty && _agreements[id].feeRecipient != account) {
                return (IReferralPayments.NotEntitled.selector, 0);
            }
            if (_seenBefore(ids, i)) continue;
            (uint256 partyShare, uint256 fee) = ghostOwed(id, account);
            amount += partyShare + fee;
        }
        if (amount == 0) return (IReferralPayments.NothingToWithdraw.selector, 0);
        return (0, amount);
    }

    /// @dev What `caller`'s collect(agreementId) must pay it (its party share and fee, straight out), or why it
    /// must fail. Its balance is not touched.
    function _predictCollect(uint256 agreementId, address caller)
        internal
        view
        returns (bytes4 err, uint256 partyShare, uint256 fee)
    {
        if (!_agreementExists(agreementId)) return (IRevenueAgreements.UnknownAgreement.selector, 0, 0);
        if (!_positions[agreementId][caller].isParty && _agreements[agreementId].feeRecipient != caller) {
            return (IReferralPayments.NotEntitled.selector, 0, 0);
        }
        (partyShare, fee) = ghostOwed(agreementId, caller);
        if (partyShare + fee == 0) return (IReferralPayments.NothingToClaim.selector, 0, 0);
    }

    // ------------------------------------------------------------------------------------------------
    // Commits: the model's side of a call that succeeded
    // ------------------------------------------------------------------------------------------------

    function _commitAnswer(uint256 networkId, address account, bool admitted) internal {
        if (admitted) {
            _memberStatus[networkId][account] = INetworkRegistry.MemberStatus.Active;
            _awaitsReinstatement[networkId][account] = false;
        } else {
            _memberStatus[networkId][account] = INetworkRegistry.MemberStatus.None; // a suspension stays on record
        }
    }

    function _commitLeave(uint256 networkId, address account) internal {
        if (_memberStatus[networkId][account] == INetworkRegistry.MemberStatus.Suspended) {
            _awaitsReinstatement[networkId][account] = true;
        }
        _memberStatus[networkId][account] = INetworkRegistry.MemberStatus.None;
    }

    /// @dev A new version that would replace `previousId` (none when 0) in lineage `lineageId` (a new one
    /// when 0): versions count up across the lineage, whichever version they answer.
    function _commitProposal(
        address proposer,
        uint256 previousId,
        uint256 lineageId,
        IRevenueAgreements.AgreementTerms memory t
    ) internal returns (uint256 agreementId) {
        agreementId = ++agreementCount;
        if (lineageId == 0) lineageId = agreementId;
        GhostAgreement storage a = _agreements[agreementId];
        a.networkId = t.networkId;
        a.asset = t.asset;
        a.status = IRevenueAgreements.AgreementStatus.Pending;
        a.lineageId = lineageId;
        a.version = ++_lineages[lineageId].latestVersion;
        a.holdbackPeriod = t.holdbackPeriod;
        a.refunder = t.refunder;
        for (uint256 i; i < t.referralTiers.length; ++i) {
            a.tiers.push(t.referralTiers[i]);
        }
        a.previousId = previousId;
        a.referralFeeBps = t.referralFeeBps;
        a.networkFeeBps = t.networkFeeBps;
        a.feeRecipient = t.feeRecipient;
        a.validFrom = t.validFrom;
        a.validUntil = t.validUntil;
        a.referrerRoles = t.referrerRoles;
        a.pendingAcceptances = t.parties.length;
        uint256 shareStart;
        for (uint256 i; i < t.parties.length; ++i) {
            GhostPosition storage p = _positions[agreementId][t.parties[i].account];
            p.isParty = true;
            p.shareStart = uint16(shareStart);
            p.shareBps = t.parties[i].shareBps;
            a.parties.push(t.parties[i].account);
            shareStart += t.parties[i].shareBps;
        }
        if (_positions[agreementId][proposer].isParty) _commitAcceptance(agreementId, proposer);
        // Then every other party whose live mandate the terms fall inside, in party order.
        for (uint256 i; i < a.parties.length && a.pendingAcceptances != 0; ++i) {
            address party = a.parties[i];
            if (!_positions[agreementId][party].accepted && _insideMandate(agreementId, party)) {
                _commitAcceptance(agreementId, party);
            }
        }
    }

    /// @dev Whether `agreementId`'s terms fall inside `party`'s live mandate, per {IMandates}: restated from the
    /// interface's rule, not from the library.
    function _insideMandate(uint256 agreementId, address party) internal view returns (bool) {
        GhostAgreement storage a = _agreements[agreementId];
        IMandates.Mandate storage m = _mandates[a.networkId][party];
        if (m.expiresAt <= block.timestamp || !_isActive(a.networkId, party)) return false;
        if (!_positions[agreementId][party].isParty) return false;
        bool inside = _positions[agreementId][party].shareBps >= m.minShareBps
            && a.referralFeeBps <= m.maxReferralFeeBps && a.networkFeeBps <= m.maxNetworkFeeBps
            && a.holdbackPeriod >= m.minHoldbackPeriod && a.holdbackPeriod <= m.maxHoldbackPeriod
            && uint256(a.validUntil) - a.validFrom <= m.maxValidity;
        for (uint256 i; inside && i < a.tiers.length; ++i) {
            inside = a.tiers[i].feeBps <= m.maxReferralFeeBps;
        }
        bool named;
        for (uint256 i; i < m.assets.length; ++i) {
            named = named || m.assets[i] == a.asset;
        }
        return inside && named;
    }

    /// @dev What setting `m` for `member` with `nonce` must do: 0 to succeed, else the error's selector.
    function _predictSetMandate(address member, IMandates.Mandate memory m, uint256 nonce)
        internal
        view
        returns (bytes4)
    {
        if (!_isActive(m.networkId, member)) return INetworkRegistry.MemberNotActive.selector;
        if (nonce != _mandateNonces[member]) return IMandates.InvalidMandateNonce.selector;
        if (m.expiresAt <= block.timestamp) return IMandates.MandateExpiryPassed.selector;
        if (m.assets.length == 0 || m.assets.length > MAX_MANDATE_ASSETS) return IMandates.InvalidMandateAssets.selector;
        if (m.minShareBps > BPS) return IMandates.InvalidMandateShare.selector;
        if (m.minHoldbackPeriod > m.maxHoldbackPeriod || m.maxHoldbackPeriod > MAX_HOLDBACK_PERIOD) {
            return IMandates.InvalidMandateHoldback.selector;
        }
        if (m.maxValidity == 0) return IMandates.InvalidMandateValidity.selector;
        return 0;
    }

    function _commitSetMandate(address member, IMandates.Mandate memory m) internal {
        _mandates[m.networkId][member] = m;
        _mandateSetWith[m.networkId][member] = _mandateNonces[member];
        ++_mandateNonces[member];
    }

    function _commitRevokeMandate(address member, uint256 networkId) internal {
        delete _mandates[networkId][member];
        delete _mandateSetWith[networkId][member];
        ++_mandateNonces[member];
    }

    function _commitAcceptance(uint256 agreementId, address party) internal {
        GhostAgreement storage a = _agreements[agreementId];
        _positions[agreementId][party].accepted = true;
        if (--a.pendingAcceptances == 0) {
            a.status = IRevenueAgreements.AgreementStatus.Active;
            _lineages[a.lineageId].activeVersion = agreementId;
            if (a.previousId != 0) _agreements[a.previousId].status = IRevenueAgreements.AgreementStatus.Superseded;
        }
    }

    /// @dev The model's own split of a payment (fees round down at the rate the referrer had reached, the
    /// vendor share takes the rest). Without holdback it is credited at once and, under a tiered version,
    /// counted into the referrer's volume; a held payment is left for {_commitHold} and counts on release.
    function _commitPayment(uint256 agreementId, uint256 amount, address referrer)
        internal
        returns (uint256 networkFee, uint256 referralFee, uint256 vendorShare)
    {
        GhostAgreement storage a = _agreements[agreementId];
        networkFee = amount * a.networkFeeBps / BPS;
        referralFee = amount * _referralRate(agreementId, referrer) / BPS;
        vendorShare = amount - networkFee - referralFee;
        _totals[a.asset].deposited += amount;
        if (a.holdbackPeriod == 0) {
            if (referrer != address(0) && a.tiers.length != 0) _lineages[a.lineageId].referredVolume[referrer] += amount;
            _commitCredit(agreementId, referrer, networkFee, referralFee, vendorShare);
        }
    }

    function _commitCredit(
        uint256 agreementId,
        address referrer,
        uint256 networkFee,
        uint256 referralFee,
        uint256 vendorShare
    ) internal {
        GhostAgreement storage a = _agreements[agreementId];
        a.vendorPool += vendorShare;
        a.networkFees += networkFee;
        _ledger[referrer][a.asset].balance += referralFee;
        _ledger[referrer][a.asset].referralCredited += referralFee;
    }

    function _commitHold(IReferralPayments.HeldPayment memory r) internal {
        _holds.push(Hold({record: r, state: HoldState.Held, releasedSeen: false, refundedSeen: false}));
        GhostAgreement storage a = _agreements[r.agreementId];
        ++a.heldPayments;
        a.heldVendorShares += r.vendorShare;
        a.heldNetworkFees += r.networkFee;
        _totals[r.asset].held += r.amount;
    }

    function _commitRelease(IReferralPayments.HeldPayment memory r) internal {
        _holds[r.holdId - 1].state = HoldState.Released;
        GhostAgreement storage a = _agreements[r.agreementId];
        --a.heldPayments;
        a.heldVendorShares -= r.vendorShare;
        a.heldNetworkFees -= r.networkFee;
        _totals[r.asset].held -= r.amount;
        _totals[r.asset].released += r.amount;
        _commitCredit(r.agreementId, r.referrer, r.networkFee, r.referralFee, r.vendorShare);
        // Earned now: the referrer's volume grows only once the payment is credited.
        if (r.referrer != address(0) && a.tiers.length != 0) _lineages[a.lineageId].referredVolume[r.referrer] += r.amount;
    }

    /// @dev The whole amount to the refund recipient's balance (the payer unless the payment named another); the
    /// referrer's volume never counted it.
    function _commitRefund(IReferralPayments.HeldPayment memory r) internal {
        GhostAgreement storage a = _agreements[r.agreementId];
        _holds[r.holdId - 1].state = HoldState.Refunded;
        --a.heldPayments;
        a.heldVendorShares -= r.vendorShare;
        a.heldNetworkFees -= r.networkFee;
        _totals[r.asset].held -= r.amount;
        _totals[r.asset].refunded += r.amount;
        _ledger[r.refundTo][r.asset].balance += r.amount;
        _ledger[r.refundTo][r.asset].refunded += r.amount;
    }

    function _commitWithdrawal(address account, address asset, uint256[] memory ids, uint256 amount) internal {
        for (uint256 i; i < ids.length; ++i) {
            if (_seenBefore(ids, i)) continue;
            (uint256 partyShare, uint256 fee) = ghostOwed(ids[i], account);
            _positions[ids[i]][account].collected += partyShare;
            _agreements[ids[i]].networkFeesCollected += fee;
            _ledger[account][asset].collected += partyShare + fee;
        }
        _ledger[account][asset].balance = 0;
        _ledger[account][asset].withdrawn += amount;
        _totals[asset].paidOut += amount;
    }

    /// @dev collect: the earnings leave at once, the balance stays.
    function _commitCollect(address account, uint256 agreementId, uint256 partyShare, uint256 fee) internal {
        address asset = _agreements[agreementId].asset;
        _positions[agreementId][account].collected += partyShare;
        _agreements[agreementId].networkFeesCollected += fee;
        _ledger[account][asset].collected += partyShare + fee;
        _ledger[account][asset].withdrawn += partyShare + fee;
        _totals[asset].paidOut += partyShare + fee;
    }

    // ------------------------------------------------------------------------------------------------
    // Small helpers
    // ------------------------------------------------------------------------------------------------

    function _contains(IRevenueAgreements.Party[] memory parties, address account) internal pure returns (bool) {
        for (uint256 i; i < parties.length; ++i) {
            if (parties[i].account == account) return true;
        }
        return false;
    }

    function _seenBefore(uint256[] memory ids, uint256 index) internal pure returns (bool) {
        for (uint256 j; j < index; ++j) {
            if (ids[j] == ids[index]) return true;
        }
        return false;
    }

    /// @dev The entitlement formulas of docs/architecture.md, restated rather than taken from SplitMath.
    function _openShare(uint256 pool, uint256 shareBps) internal pure returns (uint256) {
        return pool * shareBps / BPS;
    }

    function _finalShare(uint256 pool, uint256 shareStart, uint256 shareBps) internal pure returns (uint256) {
        return pool * (shareStart + shareBps) / BPS - pool * shareStart / BPS;
    }
}
