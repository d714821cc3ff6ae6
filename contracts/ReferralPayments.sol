// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IReferralPayments} from "./interfaces/IReferralPayments.sol";
import {Agreement, AgreementFlags, Position, ReferralVolumes, SettledVolumes} from "./libraries/AgreementBook.sol";
import {AgreementSlots} from "./libraries/AgreementSlots.sol";
import {SplitMath} from "./libraries/SplitMath.sol";
import {RevenueAgreements} from "./RevenueAgreements.sol";

/// @title ReferralPayments
/// @notice Takes customers' payments and orders, splits each line in the same transaction, and pays out what
/// partners earned when they (or anyone for them) withdraw.
/// @dev Accounting: a referral fee is credited to the referrer's balance at once; the network fee and the
/// vendor share only raise the agreement's two running totals, from which the fee recipient and each party
/// collect their part later ({SplitMath}). A payment therefore reads two slots of its agreement and writes one
/// whatever the number of parties, and makes no external call when paid in ETH. Money leaves only by
/// {claim}, {withdraw} and {withdrawTo}, only to the account that earned it (or where that account says).
abstract contract ReferralPayments is IReferralPayments, RevenueAgreements, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using AgreementSlots for Agreement;
    using AgreementSlots for uint256;

    /// @dev Withdrawable balances: referral fees, collected earnings and refunds. address(0) stands for ETH.
    mapping(address account => mapping(address asset => uint256)) private _balances;

    /// @dev Earned and paid volume per lineage and referrer, counted by tiered versions only: a payment counts as
    /// paid when made and as earned when credited (a held one once released, never if refunded). A lineage has
    /// one asset.
    mapping(uint256 lineageId => mapping(address referrer => ReferralVolumes)) private _referredVolumes;

    /// @dev Released and refunded volume per lineage and referrer (tiered versions), kept off the payment path.
    mapping(uint256 lineageId => mapping(address referrer => SettledVolumes)) private _settledVolumes;

    uint256 private _holdCount;
    /// @dev Hash of each payment still held; zero once released or refunded.
    mapping(uint256 holdId => bytes32) private _heldPaymentHashes;

    /// @inheritdoc IReferralPayments
    function pay(
        uint256 agreementId,
        address asset,
        uint256 amount,
        address referrer,
        bytes32 orderRef,
        address refundTo
    ) external payable {
        if (asset == address(0)) {
            if (msg.value != amount) revert WrongPaymentValue(amount, msg.value);
        } else {
            if (msg.value != 0) revert WrongPaymentValue(0, msg.value);
            _pullToken(asset, amount);
        }
        _split(agreementId, asset, amount, referrer, orderRef, refundTo);
    }

    /// @inheritdoc IReferralPayments
    function payWithPermit(
        uint256 agreementId,
        address asset,
        uint256 amount,
        address referrer,
        bytes32 orderRef,
        address refundTo,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external {
        if (asset == address(0)) revert PermitNeedsToken();
        _usePermit(asset, amount, deadline, v, r, s);
        _pullToken(asset, amount);
        _split(agreementId, asset, amount, referrer, orderRef, refundTo);
    }

    /// @inheritdoc IReferralPayments
    function payOrder(
        OrderLine[] calldata lines,
        bytes32 orderRef,
        address refundTo,
        TokenPermit[] calldata permits
    ) external payable {
        uint256 count = lines.length;
        if (count == 0) revert EmptyOrder();
        for (uint256 i; i < permits.length; ++i) {
            TokenPermit calldata permit = permits[i];
            if (permit.token == address(0)) revert PermitNeedsToken();
            _usePermit(permit.token, permit.value, permit.deadline, permit.v, permit.r, permit.s);
        }
        _takeOrderFunds(lines);
        emit OrderPaid(msg.sender, orderRef, count, refundTo == address(0) ? msg.sender : refundTo);
        for (uint256 i; i < count; ++i) {
            OrderLine calldata line = lines[i];
            _split(line.agreementId, line.asset, line.amount, line.referrer, orderRef, refundTo);
        }
    }

    /// @inheritdoc IReferralPayments
    function releaseHeldPayments(HeldPayment[] calldata held) external {
        for (uint256 i; i < held.length; ++i) {
            HeldPayment calldata payment = held[i];
            // Released or refunded already, perhaps by someone else first: nothing left to do for it.
            if (_isSettledHold(payment.holdId)) continue;
            Agreement storage a = _takeHeldPayment(payment);
            if (block.timestamp < payment.releaseAt) revert HoldbackNotOver(payment.holdId, payment.releaseAt);
            uint256 totals = a.loadTotals();
            _credit(a, totals, payment.asset, payment.referrer, payment.networkFee, payment.referralFee, payment.vendorShare);
            // Volume is earned, not promised: a held payment counts toward its referrer's tier only now. Both fit:
            // the amount was counted into the referrer's paid volume (at least its earned volume) when held.
            if (payment.referrer != address(0) && totals.flags() & AgreementFlags.TIERED != 0) {
                uint256 lineageId = a.lineageId;
                _referredVolumes[lineageId][payment.referrer].earned += uint128(payment.amount);
                _settledVolumes[lineageId][payment.referrer].released += uint128(payment.amount);
            }
            emit HeldPaymentReleased(payment.holdId, payment.agreementId);
        }
    }

    /// @inheritdoc IReferralPayments
    function refundHeldPayment(HeldPayment calldata held) external {
        Agreement storage a = _book.agreements[held.agreementId];
        if (msg.sender != a.refunder) revert NotRefunder(held.agreementId, msg.sender);
        _takeHeldPayment(held);
        if (block.timestamp >= held.releaseAt) revert HoldbackOver(held.holdId, held.releaseAt);
        // Counted into the referrer's paid volume when held, so it fits; never into its earned volume.
        if (held.referrer != address(0) && a.totals.flags & AgreementFlags.TIERED != 0) {
            _settledVolumes[a.lineageId][held.referrer].refunded += uint128(held.amount);
        }
        _balances[held.refundTo][held.asset] += held.amount;
        emit HeldPaymentRefunded(held.holdId, held.agreementId, held.refundTo, held.amount);
    }

    /// @inheritdoc IReferralPayments
    function claim(uint256 agreementId) external returns (uint256 amount) {
        Agreement storage a = _book.agreements[agreementId];
        uint256 totals = a.loadTotals();
        if (totals.networkId() == 0) revert UnknownAgreement(agreementId);
        (uint256 partyShare, uint256 networkFee) = _takeEarnings(agreementId, a, totals, msg.sender);
        amount = partyShare + networkFee;
        if (amount == 0) revert NothingToClaim(agreementId, msg.sender);
        emit EarningsPaid(agreementId, msg.sender, partyShare, networkFee);
        // Checks-effects-interactions: everything is recorded before this call, and a re-entered claim finds
        // nothing left, so the payout needs no reentrancy guard (it is the cheap path, see bench/gas.md).
        _send(totals.flags() & AgreementFlags.NATIVE != 0 ? address(0) : a.pricing.asset, msg.sender, amount);
    }

    /// @inheritdoc IReferralPayments
    function withdraw(address account, address asset, uint256[] calldata agreementIds)
        external
        nonReentrant
        returns (uint256 amount)
    {
        if (account == address(0)) revert ZeroRecipient();
        return _withdraw(account, account, asset, agreementIds);
    }

    /// @inheritdoc IReferralPayments
    function withdrawTo(address recipient, address asset, uint256[] calldata agreementIds)
        external
        nonReentrant
        returns (uint256 amount)
    {
        if (recipient == address(0)) revert ZeroRecipient();
        return _withdraw(msg.sender, recipient, asset, agreementIds);
    }

    /// @inheritdoc IReferralPayments
    function balanceOf(address account, address asset) external view returns (uint256) {
        return _balances[account][asset];
    }

    /// @inheritdoc IReferralPayments
    function referredVolume(uint256 agreementId, address referrer)
        external
        view
        returns (uint256 volume, uint8 tier, uint16 feeBps)
    {
        Agreement storage a = _existingAgreement(agreementId);
        volume = _referredVolumes[a.lineageId][referrer].earned;
        (tier, feeBps,) = _tierFor(a, volume);
    }

    /// @inheritdoc IReferralPayments
    function referralRecord(uint256 agreementId, address referrer) external view returns (ReferralRecord memory record) {
        Agreement storage a = _existingAgreement(agreementId);
        ReferralVolumes memory volumes = _referredVolumes[a.lineageId][referrer];
        SettledVolumes memory settled = _settledVolumes[a.lineageId][referrer];
        record.paid = volumes.paid;
        record.earned = volumes.earned;
        record.released = settled.released;
        record.refunded = settled.refunded;
        // Every paid wei is credited at once, released, refunded or still held (earned = at once + released).
        record.held = record.paid - record.earned - record.refunded;
        (record.tier, record.feeBps, record.holdbackPeriod) = _tierFor(a, volumes.earned);
    }

    /// @inheritdoc IReferralPayments
    function collectable(uint256 agreementId, address account) external view returns (uint256) {
        Agreement storage a = _existingAgreement(agreementId);
        (uint256 partyShare, uint256 networkFee) = _owed(a, a.loadTotals(), _book.positions[agreementId][account]);
        return partyShare + networkFee;
    }

    /// @dev Checks one payment (or order line) against its agreement and splits it: the referral fee to the
    /// referrer's balance, the network fee and the vendor share to the agreement's running totals, or all of it
    /// held when the agreement has a holdback.
    function _split(
        uint256 agreementId,
        address asset,
        uint256 amount,
        address referrer,
        bytes32 orderRef,
        address refundTo
    ) private {
        if (amount == 0) revert ZeroPayment();
        Agreement storage a = _book.agreements[agreementId];
        // One read of each hot slot and, when credited, one write (see {AgreementSlots}).
        (uint256 pricing, uint256 totals) = a.load();
        uint256 flags = totals.flags();
        if (flags & AgreementFlags.ACTIVE == 0) revert AgreementNotActive(agreementId, _statusOf(a));
        if (pricing.asset() != asset) revert WrongPaymentAsset(agreementId, pricing.asset(), asset);
        if (block.timestamp < pricing.validFrom()) revert AgreementNotYetValid(agreementId, pricing.validFrom());
        if (block.timestamp > pricing.validUntil()) revert AgreementExpired(agreementId, pricing.validUntil());

        uint256 referralFeeBps;
        if (referrer != address(0)) {
            _checkReferrer(agreementId, totals.networkId(), flags, referrer, refundTo);
            if (flags & AgreementFlags.TIERED == 0) {
                referralFeeBps = pricing.referralFeeBps();
            } else {
                // Trust decides the holdback: the referrer's tier's, never longer than the agreement's; a tier
                // holding for 0 seconds credits this payment at once. The tier's holdback rides above the flag
                // bits of `flags` (a local copy), so untiered payments carry no extra variable.
                uint256 holdback;
                (referralFeeBps, holdback) = _applyTier(agreementId, a, referrer, amount);
                flags = holdback == 0 ? flags & ~uint256(AgreementFlags.HELD) : flags | (holdback << 8);
            }
        }
        emit PaymentSplit(agreementId, msg.sender, referrer, amount, orderRef);
        if (flags & AgreementFlags.HELD == 0) {
            (uint256 networkFee, uint256 referralFee, uint256 vendorShare) =
                SplitMath.splitPayment(amount, pricing.networkFeeBps(), referralFeeBps);
            _credit(a, totals, asset, referrer, networkFee, referralFee, vendorShare);
        } else {
            uint256 holdbackPeriod = flags >> 8;
            if (holdbackPeriod == 0) holdbackPeriod = a.holdbackPeriod;
            _hold(
                a,
                _heldRecord(
                    agreementId, asset, amount, referrer, pricing.networkFeeBps(), referralFeeBps, holdbackPeriod, refundTo
                )
            );
        }
    }

    /// @dev The record of a payment held by agreement `agreementId`, with its full split.
    function _heldRecord(
        uint256 agreementId,
        address asset,
        uint256 amount,
        address referrer,
        uint256 networkFeeBps,
        uint256 referralFeeBps,
        uint256 holdbackPeriod,
        address refundTo
    ) private returns (HeldPayment memory held) {
        held.holdId = ++_holdCount;
        held.agreementId = agreementId;
        held.payer = msg.sender;
        held.referrer = referrer;
        held.asset = asset;
        held.amount = amount;
        (held.networkFee, held.referralFee, held.vendorShare) =
            SplitMath.splitPayment(amount, networkFeeBps, referralFeeBps);
        held.releaseAt = uint40(block.timestamp + holdbackPeriod);
        // A refund credited to this contract's own balance could never be withdrawn.
        if (refundTo == address(this)) revert InvalidRefundRecipient(refundTo);
        held.refundTo = refundTo == address(0) ? msg.sender : refundTo;
    }

    /// @dev A referrer must be an active member of the agreement's network, in a role the agreement lets refer,
    /// and neither the payer nor the customer a router pays for (its refund recipient).
    function _checkReferrer(uint256 agreementId, uint256 networkId, uint256 flags, address referrer, address refundTo)
        private
        view
    {
        if (referrer == msg.sender || referrer == refundTo) revert SelfReferral(referrer);
        Membership storage member = _memberships[networkId][referrer];
        if (member.status != MemberStatus.Active) revert ReferrerNotActiveMember(networkId, referrer);
        uint256 roles = flags >> AgreementFlags.REFERRER_ROLES_SHIFT;
        uint8 role = uint8(member.role);
        if (roles != 0 && (roles >> role) & 1 == 0) revert ReferrerRoleNotAllowed(agreementId, referrer, role);
    }

    /// @dev Credits a split: the referral fee to the referrer's balance, the network fee and the vendor share
    /// to the agreement's running totals.
    function _credit(
        Agreement storage a,
        uint256 totals,
        address asset,
        address referrer,
        uint256 networkFee,
        uint256 referralFee,
        uint256 vendorShare
    ) private {
        a.storeTotals(
            totals.withAmounts(
                _toUint112(totals.vendorPool() + vendorShare), _toUint104(totals.networkFees() + networkFee)
            )
        );
        if (referralFee != 0) _balances[referrer][asset] += referralFee;
    }

    /// @dev Records a payment as held: only its hash is stored, nothing is credited until release. Its split is
    /// counted into the agreement's held totals now, so that a payment whose release could not fit the running
    /// totals is refused when made, never stuck after its holdback.
    function _hold(Agreement storage a, HeldPayment memory held) private {
        uint256 vendorPool = a.totals.vendorPool;
        uint256 networkFees = a.totals.networkFees;
        a.held.vendorShares = uint112(_toUint112(vendorPool + a.held.vendorShares + held.vendorShare) - vendorPool);
        a.held.networkFees = uint104(_toUint104(networkFees + a.held.networkFees + held.networkFee) - networkFees);
        ++a.held.count;
        _heldPaymentHashes[held.holdId] = keccak256(abi.encode(held));
        emit PaymentHeld(held.holdId, held.agreementId, held);
    }

    /// @dev Whether `holdId` was a held payment that has since been released or refunded.
    function _isSettledHold(uint256 holdId) private view returns (bool) {
        return holdId != 0 && holdId <= _holdCount && _heldPaymentHashes[holdId] == bytes32(0);
    }

    /// @dev Checks `held` is a payment still held, exactly as recorded, and takes it off the books.
    function _takeHeldPayment(HeldPayment calldata held) private returns (Agreement storage a) {
        bytes32 recorded = _heldPaymentHashes[held.holdId];
        if (recorded == bytes32(0) || recorded != keccak256(abi.encode(held))) revert UnknownHeldPayment(held.holdId);
        delete _heldPaymentHashes[held.holdId];
        a = _book.agreements[held.agreementId];
        --a.held.count;
        // The record matches what {_hold} counted in, so these fit and do not underflow.
        a.held.vendorShares -= uint112(held.vendorShare);
        a.held.networkFees -= uint104(held.networkFee);
    }

    /// @dev The rate and holdback of the tier `referrer` earned before this payment. Counts `amount` into its
    /// paid volume, and into its earned volume when the payment is credited at once (a held one earns on
    /// release): one read and one write of its {ReferralVolumes}.
    function _applyTier(uint256 agreementId, Agreement storage a, address referrer, uint256 amount)
        private
        returns (uint16 feeBps, uint32 holdbackPeriod)
    {
        ReferralVolumes memory volumes = _referredVolumes[a.lineageId][referrer];
        uint256 volumeBefore = volumes.earned;
        uint8 tier;
        (tier, feeBps, holdbackPeriod) = _tierFor(a, volumeBefore);
        // earned <= paid, so checking the paid volume bounds both.
        uint128 paid = _toUint128(volumes.paid + amount);
        uint128 earned = holdbackPeriod == 0 ? uint128(volumeBefore + amount) : volumes.earned;
        _referredVolumes[a.lineageId][referrer] = ReferralVolumes({earned: earned, paid: paid});
        emit ReferralTierApplied(agreementId, referrer, tier, feeBps, volumeBefore);
    }

    /// @dev The highest tier whose threshold `volume` has reached (0: the base rate), its rate and its holdback
    /// (the agreement's at the base rate).
    function _tierFor(Agreement storage a, uint256 volume)
        private
        view
        returns (uint8 tier, uint16 feeBps, uint32 holdbackPeriod)
    {
        feeBps = a.pricing.referralFeeBps;
        holdbackPeriod = a.holdbackPeriod;
        ReferralTier[] storage tiers = a.referralTiers;
        uint256 count = a.tierCount;
        // Ascending, so a referrer below the first threshold costs a single read.
        for (uint256 i; i < count; ++i) {
            ReferralTier storage next = tiers[i];
            if (volume < next.fromVolume) break;
            tier = uint8(i + 1);
            feeBps = next.feeBps;
            holdbackPeriod = next.holdbackPeriod;
        }
    }

    /// @dev Checks the ETH sent is the sum of the order's ETH lines and pulls each token once, for the sum of its
    /// lines. Each line's asset is checked against its agreement when the line is split.
    function _takeOrderFunds(OrderLine[] calldata lines) private {
        uint256 count = lines.length;
        uint256 ethTotal;
        address[] memory tokens = new address[](count);
        uint256[] memory totals = new uint256[](count);
        uint256 tokenCount;
        for (uint256 i; i < count; ++i) {
            address asset = lines[i].asset;
            if (asset == address(0)) {
                ethTotal += lines[i].amount;
                continue;
            }
            uint256 j;
            while (j < tokenCount && tokens[j] != asset) ++j;
            if (j == tokenCount) {
                tokens[j] = asset;
                ++tokenCount;
            }
            totals[j] += lines[i].amount;
        }
        if (msg.value != ethTotal) revert WrongPaymentValue(ethTotal, msg.value);
        for (uint256 j; j < tokenCount; ++j) {
            _pullToken(tokens[j], totals[j]);
        }
    }

    /// @dev Uses the caller's EIP-2612 permit for `token`. A front-runner may have used it already; the allowance
    /// then is what matters, and the pull that follows fails plainly if it is missing.
    function _usePermit(address token, uint256 value, uint256 deadline, uint8 v, bytes32 r, bytes32 s) private {
        try IERC20Permit(token).permit(msg.sender, address(this), value, deadline, v, r, s) {} catch {}
    }

    /// @dev Takes `amount` of `token` from the caller; refuses a token that delivers less. Guarded: a token is
    /// an external contract and must not re-enter a payout while it is being paid.
    function _pullToken(address token, uint256 amount) private nonReentrant {
        uint256 balanceBefore = IERC20(token).balanceOf(address(this));
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = IERC20(token).balanceOf(address(this)) - balanceBefore;
        if (received != amount) revert TokenDeliveryShortfall(token, amount, received);
    }

    /// @dev Collects `account`'s earnings from `agreementIds` into its balance, then pays the whole balance
    /// to `recipient`.
    function _withdraw(address account, address recipient, address asset, uint256[] calldata agreementIds)
        private
        returns (uint256 amount)
    {
        uint256 balance = _balances[account][asset];
        amount = balance;
        for (uint256 i; i < agreementIds.length; ++i) {
            amount += _collectToBalance(agreementIds[i], account, asset);
        }
        if (amount == 0) revert NothingToWithdraw(account, asset);
        if (balance != 0) _balances[account][asset] = 0;
        emit Withdrawn(account, asset, recipient, amount);
        _send(asset, recipient, amount);
    }

    /// @dev Collects `account`'s earnings from `agreementId`, whose asset must be `asset`, for {_withdraw}.
    function _collectToBalance(uint256 agreementId, address account, address asset) private returns (uint256) {
        Agreement storage a = _existingAgreement(agreementId);
        uint256 totals = a.loadTotals();
        address agreementAsset = totals.flags() & AgreementFlags.NATIVE != 0 ? address(0) : a.pricing.asset;
        if (agreementAsset != asset) revert AgreementAssetMismatch(agreementId, agreementAsset, asset);
        (uint256 partyShare, uint256 networkFee) = _takeEarnings(agreementId, a, totals, account);
        if (partyShare != 0 || networkFee != 0) emit EarningsCollected(agreementId, account, asset, partyShare, networkFee);
        return partyShare + networkFee;
    }

    /// @dev Marks what `account` may collect from agreement `a` (whose running totals are `totals`) now as
    /// collected, and returns it.
    function _takeEarnings(uint256 agreementId, Agreement storage a, uint256 totals, address account)
        private
        returns (uint256 partyShare, uint256 networkFee)
    {
        Position storage stored = _book.positions[agreementId][account];
        Position memory position = stored;
        if (!position.isParty && !position.isFeeRecipient) revert NotEntitled(agreementId, account);
        (partyShare, networkFee) = _owed(a, totals, position);
        // Both are at most what the running totals hold, which fit in 112 bits.
        if (partyShare != 0) stored.collected = position.collected + uint128(partyShare);
        if (networkFee != 0) a.networkFeesCollected += uint128(networkFee);
    }

    /// @dev What `position` may collect from agreement `a` (running totals `totals`) now, as a party and as its
    /// fee recipient.
    function _owed(Agreement storage a, uint256 totals, Position memory position)
        private
        view
        returns (uint256 partyShare, uint256 networkFee)
    {
        uint256 shareBps = position.shareBps;
        if (shareBps != 0) {
            uint256 pool = totals.vendorPool();
            uint256 entitled = SplitMath.openEntitlement(pool, shareBps);
            // Only the last wei depends on whether the pool is final: look at the status and window just then.
            uint256 entitledIfFinal = SplitMath.finalEntitlement(pool, position.shareStart, shareBps);
            if (entitledIfFinal != entitled && _isClosed(a, totals.flags())) entitled = entitledIfFinal;
            partyShare = entitled - position.collected;
        }
        if (position.isFeeRecipient) networkFee = totals.networkFees() - a.networkFeesCollected;
    }

    /// @dev Pays `amount` of `asset` (address(0): ETH) to `recipient`.
    function _send(address asset, address recipient, uint256 amount) private {
        if (asset == address(0)) {
            bool ok;
            // A plain call that copies no return data: cheaper, and a recipient cannot make the payout pay
            // for a huge return buffer. The recipient gets all remaining gas, as with `call{value:}`.
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                ok := call(gas(), recipient, amount, 0, 0, 0, 0)
            }
            if (!ok) revert NativeTransferFailed(recipient, amount);
        } else {
            IERC20(asset).safeTransfer(recipient, amount);
        }
    }

    function _toUint112(uint256 value) private pure returns (uint112) {
        if (value > type(uint112).max) revert AmountTooLarge(value);
        return uint112(value);
    }

    function _toUint128(uint256 value) private pure returns (uint128) {
        if (value > type(uint128).max) revert AmountTooLarge(value);
        return uint128(value);
    }

    function _toUint104(uint256 value) private pure returns (uint104) {
        if (value > type(uint104).max) revert AmountTooLarge(value);
        return uint104(value);
    }
}
