// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IReferralPayments} from "./interfaces/IReferralPayments.sol";
import {SplitMath} from "./libraries/SplitMath.sol";
import {RevenueAgreements} from "./RevenueAgreements.sol";

/// @title ReferralPayments
/// @notice Takes customers' payments, splits each one in the same transaction, and pays out what partners
/// earned when they (or anyone for them) withdraw.
/// @dev Accounting: a referral fee is credited to the referrer's balance at once; the network fee and the
/// vendor share only raise the agreement's two running totals, from which the fee recipient and each party
/// collect their part later ({SplitMath}). A payment therefore writes two storage slots whatever the number
/// of parties. Money leaves only by {withdraw}/{withdrawTo}, only to the account that earned it (or where
/// that account itself says).
abstract contract ReferralPayments is IReferralPayments, RevenueAgreements, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @dev Withdrawable balances: referral fees, collected earnings and refunds. address(0) stands for ETH.
    mapping(address account => mapping(address asset => uint256)) private _balances;

    /// @dev Referred volume per lineage and referrer, counted by tiered versions only (net of refunds).
    mapping(uint256 lineageId => mapping(address referrer => uint256)) private _referredVolumes;

    uint256 private _holdCount;
    /// @dev Hash of each payment still held; zero once released or refunded.
    mapping(uint256 holdId => bytes32) private _heldPaymentHashes;

    /// @inheritdoc IReferralPayments
    function pay(uint256 agreementId, address asset, uint256 amount, address referrer, bytes32 orderRef)
        external
        payable
        nonReentrant
    {
        if (asset == address(0)) {
            if (msg.value != amount) revert WrongPaymentValue(amount, msg.value);
        } else {
            if (msg.value != 0) revert WrongPaymentValue(0, msg.value);
            _pullToken(asset, amount);
        }
        _split(agreementId, asset, amount, referrer, orderRef);
    }

    /// @inheritdoc IReferralPayments
    function payWithPermit(
        uint256 agreementId,
        address asset,
        uint256 amount,
        address referrer,
        bytes32 orderRef,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant {
        if (asset == address(0)) revert PermitNeedsToken();
        // A front-runner may have used the permit already; the allowance then is what matters.
        try IERC20Permit(asset).permit(msg.sender, address(this), amount, deadline, v, r, s) {} catch {}
        _pullToken(asset, amount);
        _split(agreementId, asset, amount, referrer, orderRef);
    }

    /// @inheritdoc IReferralPayments
    function releaseHeldPayments(HeldPayment[] calldata held) external {
        for (uint256 i; i < held.length; ++i) {
            HeldPayment calldata payment = held[i];
            Agreement storage a = _takeHeldPayment(payment);
            if (block.timestamp < payment.releaseAt) revert HoldbackNotOver(payment.holdId, payment.releaseAt);
            _credit(a, payment.asset, payment.referrer, payment.networkFee, payment.referralFee, payment.vendorShare);
            emit HeldPaymentReleased(payment.holdId, payment.agreementId);
        }
    }

    /// @inheritdoc IReferralPayments
    function refundHeldPayment(HeldPayment calldata held) external {
        Agreement storage a = _agreements[held.agreementId];
        if (msg.sender != a.refunder) revert NotRefunder(held.agreementId, msg.sender);
        _takeHeldPayment(held);
        if (block.timestamp >= held.releaseAt) revert HoldbackOver(held.holdId, held.releaseAt);
        if (held.referrer != address(0) && a.tierCount != 0) {
            _referredVolumes[a.lineageId][held.referrer] -= held.amount;
        }
        _balances[held.payer][held.asset] += held.amount;
        emit HeldPaymentRefunded(held.holdId, held.agreementId, held.payer, held.amount);
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
        volume = _referredVolumes[a.lineageId][referrer];
        (tier, feeBps) = _tierFor(a, volume);
    }

    /// @inheritdoc IReferralPayments
    function collectable(uint256 agreementId, address account) external view returns (uint256) {
        Agreement storage a = _existingAgreement(agreementId);
        (uint256 partyShare, uint256 networkFee) = _owed(a, _positions[agreementId][account]);
        return partyShare + networkFee;
    }

    /// @dev Checks the payment against the agreement and splits it: the referral fee to the referrer's
    /// balance, the network fee and the vendor share to the agreement's running totals.
    function _split(uint256 agreementId, address asset, uint256 amount, address referrer, bytes32 orderRef) private {
        if (amount == 0) revert ZeroPayment();
        Agreement storage a = _agreements[agreementId];
        if (a.status != AgreementStatus.Active) revert AgreementNotActive(agreementId, a.status);
        if (a.asset != asset) revert WrongPaymentAsset(agreementId, a.asset, asset);
        if (block.timestamp < a.validFrom) revert AgreementNotYetValid(agreementId, a.validFrom);
        if (block.timestamp > a.validUntil) revert AgreementExpired(agreementId, a.validUntil);

        uint256 referralFeeBps;
        if (referrer != address(0)) {
            if (referrer == msg.sender) revert SelfReferral(msg.sender);
            if (!_isActiveMember(a.networkId, referrer)) revert ReferrerNotActiveMember(a.networkId, referrer);
            referralFeeBps = a.tierCount == 0 ? a.referralFeeBps : _applyTier(agreementId, a, referrer, amount);
        }
        (uint256 networkFee, uint256 referralFee, uint256 vendorShare) =
            SplitMath.splitPayment(amount, a.networkFeeBps, referralFeeBps);
        emit PaymentSplit(agreementId, msg.sender, referrer, asset, amount, networkFee, referralFee, vendorShare, orderRef);

        uint32 holdbackPeriod = a.holdbackPeriod;
        if (holdbackPeriod == 0) {
            _credit(a, asset, referrer, networkFee, referralFee, vendorShare);
        } else {
            _hold(
                a,
                HeldPayment({
                    holdId: ++_holdCount,
                    agreementId: agreementId,
                    payer: msg.sender,
                    referrer: referrer,
                    asset: asset,
                    amount: amount,
                    networkFee: networkFee,
                    referralFee: referralFee,
                    vendorShare: vendorShare,
                    releaseAt: uint40(block.timestamp + holdbackPeriod)
                })
            );
        }
    }

    /// @dev Credits a split: the referral fee to the referrer's balance, the network fee and the vendor share
    /// to the agreement's running totals.
    function _credit(
        Agreement storage a,
        address asset,
        address referrer,
        uint256 networkFee,
        uint256 referralFee,
        uint256 vendorShare
    ) private {
        a.vendorPool = _toUint128(a.vendorPool + vendorShare);
        a.networkFees = _toUint128(a.networkFees + networkFee);
        if (referralFee != 0) _balances[referrer][asset] += referralFee;
    }

    /// @dev Records a payment as held: only its hash is stored, nothing is credited until release. Its split is
    /// counted into the agreement's held totals now, so that a payment whose release could not fit the running
    /// totals is refused when made, never stuck after its holdback.
    function _hold(Agreement storage a, HeldPayment memory held) private {
        a.heldVendorShares = _toUint128(uint256(a.vendorPool) + a.heldVendorShares + held.vendorShare) - a.vendorPool;
        a.heldNetworkFees = _toUint128(uint256(a.networkFees) + a.heldNetworkFees + held.networkFee) - a.networkFees;
        _heldPaymentHashes[held.holdId] = keccak256(abi.encode(held));
        ++a.heldPayments;
        emit PaymentHeld(held.holdId, held.agreementId, held);
    }

    /// @dev Checks `held` is a payment still held, exactly as recorded, and takes it off the books.
    function _takeHeldPayment(HeldPayment calldata held) private returns (Agreement storage a) {
        bytes32 recorded = _heldPaymentHashes[held.holdId];
        if (recorded == bytes32(0) || recorded != keccak256(abi.encode(held))) revert UnknownHeldPayment(held.holdId);
        delete _heldPaymentHashes[held.holdId];
        a = _agreements[held.agreementId];
        --a.heldPayments;
        a.heldVendorShares -= uint128(held.vendorShare);
        a.heldNetworkFees -= uint128(held.networkFee);
    }

    /// @dev Counts `amount` into `referrer`'s volume and returns the rate of the tier reached before it.
    function _applyTier(uint256 agreementId, Agreement storage a, address referrer, uint256 amount)
        private
        returns (uint16 feeBps)
    {
        mapping(address referrer => uint256) storage volumes = _referredVolumes[a.lineageId];
        uint256 volumeBefore = volumes[referrer];
        volumes[referrer] = volumeBefore + amount;
        uint8 tier;
        (tier, feeBps) = _tierFor(a, volumeBefore);
        emit ReferralTierApplied(agreementId, referrer, tier, feeBps, volumeBefore);
    }

    /// @dev The highest tier whose threshold `volume` has reached (0: the base rate) and its rate.
    function _tierFor(Agreement storage a, uint256 volume) private view returns (uint8 tier, uint16 feeBps) {
        feeBps = a.referralFeeBps;
        ReferralTier[] storage tiers = a.referralTiers;
        uint256 count = a.tierCount;
        // Ascending, so a referrer below the first threshold costs a single read.
        for (uint256 i; i < count; ++i) {
            ReferralTier storage next = tiers[i];
            if (volume < next.fromVolume) break;
            tier = uint8(i + 1);
            feeBps = next.feeBps;
        }
    }

    /// @dev Takes `amount` of `token` from the caller; refuses a token that delivers less.
    function _pullToken(address token, uint256 amount) private {
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
            amount += _collect(agreementIds[i], account, asset);
        }
        if (amount == 0) revert NothingToWithdraw(account, asset);
        if (balance != 0) _balances[account][asset] = 0;
        emit Withdrawn(account, asset, recipient, amount);
        if (asset == address(0)) {
            (bool ok,) = recipient.call{value: amount}("");
            if (!ok) revert NativeTransferFailed(recipient, amount);
        } else {
            IERC20(asset).safeTransfer(recipient, amount);
        }
    }

    /// @dev Marks `account`'s earnings in `agreementId` as collected and returns them.
    function _collect(uint256 agreementId, address account, address asset) private returns (uint256) {
        Agreement storage a = _existingAgreement(agreementId);
        if (a.asset != asset) revert AgreementAssetMismatch(agreementId, a.asset, asset);
        Position storage position = _positions[agreementId][account];
        if (!position.isParty && !position.isFeeRecipient) revert NotEntitled(agreementId, account);

        (uint256 partyShare, uint256 networkFee) = _owed(a, position);
        if (partyShare != 0) position.collected += uint128(partyShare);
        if (networkFee != 0) a.networkFeesCollected += uint128(networkFee);
        if (partyShare != 0 || networkFee != 0) {
            emit EarningsCollected(agreementId, account, asset, partyShare, networkFee);
        }
        return partyShare + networkFee;
    }

    /// @dev What `position` may collect from agreement `a` now, as a party and as its fee recipient.
    function _owed(Agreement storage a, Position storage position)
        private
        view
        returns (uint256 partyShare, uint256 networkFee)
    {
        uint256 shareBps = position.shareBps;
        if (shareBps != 0) {
            uint256 pool = a.vendorPool;
            uint256 entitled = SplitMath.openEntitlement(pool, shareBps);
            // Only the last wei depends on whether the pool is final: look at the status and window just then.
            uint256 entitledIfFinal = SplitMath.finalEntitlement(pool, position.shareStart, shareBps);
            if (entitledIfFinal != entitled && _isClosed(a)) entitled = entitledIfFinal;
            partyShare = entitled - position.collected;
        }
        if (position.isFeeRecipient) networkFee = a.networkFees - a.networkFeesCollected;
    }

    function _toUint128(uint256 value) private pure returns (uint128) {
        if (value > type(uint128).max) revert AmountTooLarge(value);
        return uint128(value);
    }
}
