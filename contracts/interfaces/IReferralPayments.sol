// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IRevenueAgreements} from "./IRevenueAgreements.sol";

/// @title IReferralPayments
/// @notice Customers pay an active agreement; each payment is split at once between the network, the
/// referrer and the parties, who withdraw what they earned (pull payments).
interface IReferralPayments {
    /// @notice A payment held by an agreement with a holdback period. Only its hash is stored; release and
    /// refund take it back as calldata (it is in {PaymentHeld}).
    struct HeldPayment {
        uint256 holdId;
        uint256 agreementId;
        address payer;
        address referrer;
        address asset;
        uint256 amount;
        uint256 networkFee;
        uint256 referralFee;
        uint256 vendorShare;
        uint40 releaseAt;
        /// Who is credited if the payment is refunded: the payer unless the payment named someone else.
        address refundTo;
    }

    /// @notice A referrer's track record in one lineage, counted by its tiered versions (see {referralRecord}).
    /// Every paid wei is credited at once, released, refunded or still held.
    struct ReferralRecord {
        /// Payments that named the referrer, held or not, counted when made.
        uint256 paid;
        /// Of those, what was credited: at once, or held and then released ({referredVolume}; decides the tier).
        uint256 earned;
        /// Held payments released.
        uint256 released;
        /// Held payments refunded: never earned.
        uint256 refunded;
        /// Held payments neither released nor refunded yet (`paid - earned - refunded`): the exposure.
        uint256 held;
        /// The tier its next payment to this version gets (0: the base rate), that tier's rate and holdback.
        uint8 tier;
        uint16 feeBps;
        uint32 holdbackPeriod;
    }

    /// @notice One line of an order: a payment to one agreement, split exactly as {pay} splits it.
    struct OrderLine {
        uint256 agreementId;
        /// The line's asset: must be the agreement's (address(0) for ETH).
        address asset;
        uint256 amount;
        /// An active member of the agreement's network who referred the customer, or address(0).
        address referrer;
    }

    /// @notice An EIP-2612 permit for one token of an order, signed by the payer for this contract.
    struct TokenPermit {
        address token;
        uint256 value;
        uint256 deadline;
        uint8 v;
        bytes32 r;
        bytes32 s;
    }

    /// @notice Emitted for every payment (every line of an order) of `amount` in the agreement's asset. Its split
    /// follows from the agreement's terms by {SplitMath.splitPayment}: the network fee at the agreement's
    /// `networkFeeBps`, the referral fee (when there is a referrer) at its `referralFeeBps` or, for a tiered
    /// agreement, at the `feeBps` of the {ReferralTierApplied} emitted just before, and the rest to the vendor pool.
    /// The split is not repeated here: it would cost every payment three more words of log.
    /// @param orderRef The customer's external reference (an order id), for reconciliation.
    event PaymentSplit(
        uint256 indexed agreementId, address indexed payer, address indexed referrer, uint256 amount, bytes32 orderRef
    );

    /// @notice Emitted by {payOrder} before its lines: the next `lineCount` {PaymentSplit} events of the same
    /// transaction are this order's lines, in order.
    event OrderPaid(address indexed payer, bytes32 indexed orderRef, uint256 lineCount, address refundTo);

    /// @notice Emitted with {PaymentSplit} when the payment's referrer earns a tiered rate: `feeBps` of tier
    /// `tier` (0 is the base rate), reached with `volumeBefore` referred before this payment.
    event ReferralTierApplied(
        uint256 indexed agreementId, address indexed referrer, uint8 tier, uint16 feeBps, uint256 volumeBefore
    );

    /// @notice Emitted after {PaymentSplit} when the agreement holds the payment until `held.releaseAt` (its
    /// holdback, or the holdback of the tier its referrer earned): nothing is credited until it is released;
    /// until then the refunder may refund it in full.
    event PaymentHeld(uint256 indexed holdId, uint256 indexed agreementId, HeldPayment held);

    /// @notice Emitted when held payment `holdId` is released and its split credited as in {PaymentSplit}.
    event HeldPaymentReleased(uint256 indexed holdId, uint256 indexed agreementId);

    /// @notice Emitted when held payment `holdId` is refunded: `amount` is credited to `refundTo`, the payment's
    /// refund recipient (and, under a tiered version, counted into its referrer's refunded volume).
    event HeldPaymentRefunded(
        uint256 indexed holdId, uint256 indexed agreementId, address indexed refundTo, uint256 amount
    );

    /// @notice Emitted when `account`'s earnings in `agreementId` move to its balance: `partyShare` of the
    /// vendor pool and `networkFee` as the agreement's fee recipient.
    event EarningsCollected(
        uint256 indexed agreementId, address indexed account, address indexed asset, uint256 partyShare, uint256 networkFee
    );

    /// @notice Emitted when `account`'s earnings in `agreementId` are paid straight to it by {claim}:
    /// `partyShare` of the vendor pool and `networkFee` as the fee recipient, in the agreement's asset.
    event EarningsPaid(uint256 indexed agreementId, address indexed account, uint256 partyShare, uint256 networkFee);

    /// @notice Emitted when `account`'s whole balance of `asset` is paid out to `recipient`.
    event Withdrawn(address indexed account, address indexed asset, address indexed recipient, uint256 amount);

    /// @notice Thrown when a payment's amount is zero.
    error ZeroPayment();

    /// @notice Thrown when the asset the customer names is not `expected`, the agreement's asset.
    error WrongPaymentAsset(uint256 agreementId, address expected, address asset);

    /// @notice Thrown when {payWithPermit} names ETH: only tokens have permits; use {pay}.
    error PermitNeedsToken();

    /// @notice Thrown when the ETH sent (`value`) is not what the payment needs (`expected`; 0 for tokens).
    error WrongPaymentValue(uint256 expected, uint256 value);

    /// @notice Thrown when `agreementId` is `status` rather than active.
    error AgreementNotActive(uint256 agreementId, IRevenueAgreements.AgreementStatus status);

    /// @notice Thrown when `agreementId` takes payments only from `validFrom`.
    error AgreementNotYetValid(uint256 agreementId, uint32 validFrom);

    /// @notice Thrown when `agreementId` stopped taking payments at `validUntil`.
    error AgreementExpired(uint256 agreementId, uint32 validUntil);

    /// @notice Thrown when a customer names itself as its own referrer: the payer, or the refund recipient a
    /// router pays for.
    error SelfReferral(address customer);

    /// @notice Thrown when the referrer is not an active member of the agreement's network.
    error ReferrerNotActiveMember(uint256 networkId, address referrer);

    /// @notice Thrown when the referrer's role in the network (`role`) is not one `agreementId` lets refer.
    error ReferrerRoleNotAllowed(uint256 agreementId, address referrer, uint8 role);

    /// @notice Thrown when an order has no lines.
    error EmptyOrder();

    /// @notice Thrown when a held payment names this contract as its refund recipient: a refund credited there
    /// could never be withdrawn. Name the customer, or address(0) for the payer.
    error InvalidRefundRecipient(address refundTo);

    /// @notice Thrown when a token delivered `received` instead of `expected` (fee-on-transfer tokens are refused).
    error TokenDeliveryShortfall(address token, uint256 expected, uint256 received);

    /// @notice Thrown when a running total would exceed what the ledger stores: 2^112 - 1 base units for an
    /// agreement's vendor pool (held shares included), 2^104 - 1 for its network fees, 2^128 - 1 for a referrer's
    /// paid volume in one lineage.
    error AmountTooLarge(uint256 amount);

    /// @notice Thrown when `account` withdraws from `agreementId`, whose asset is `agreementAsset`, not `asset`.
    error AgreementAssetMismatch(uint256 agreementId, address agreementAsset, address asset);

    /// @notice Thrown when `account` neither is a party nor collects the network fee of `agreementId`.
    error NotEntitled(uint256 agreementId, address account);

    /// @notice Thrown when `account` has nothing of `asset` to withdraw.
    error NothingToWithdraw(address account, address asset);

    /// @notice Thrown when `account` has nothing to claim from `agreementId`.
    error NothingToClaim(uint256 agreementId, address account);

    /// @notice Thrown when `holdId` is not a payment still held as the given data describe it (unknown, already
    /// released or refunded, or altered).
    error UnknownHeldPayment(uint256 holdId);

    /// @notice Thrown when held payment `holdId` is released before `releaseAt`.
    error HoldbackNotOver(uint256 holdId, uint40 releaseAt);

    /// @notice Thrown when held payment `holdId` is refunded at or after `releaseAt`.
    error HoldbackOver(uint256 holdId, uint40 releaseAt);

    /// @notice Thrown when `caller` is not the refunder of `agreementId`.
    error NotRefunder(uint256 agreementId, address caller);

    /// @notice Thrown when a payout is sent to the zero address.
    error ZeroRecipient();

    /// @notice Thrown when `recipient` refused an ETH payout; the balance stays, see {withdrawTo}.
    error NativeTransferFailed(address recipient, uint256 amount);

    /// @notice Pays active agreement `agreementId` and splits the payment in the same transaction.
    /// @dev For ETH send exactly `amount` as value; for a token approve `amount` first and send no value.
    /// @param asset The asset the customer means to pay in: must be the agreement's.
    /// @param referrer An active member of the network who referred the customer, or address(0) for none.
    /// @param orderRef An external reference (an order id) carried in {PaymentSplit}.
    /// @param refundTo Who is credited if a held payment is refunded; address(0) for the caller. IMPORTANT: a
    /// contract paying for a customer (a checkout router) names the customer here, or a refund is credited to
    /// the router, where the customer cannot reach it. The recipient must be able to withdraw (an account, or a
    /// contract that can call {withdrawTo}); Ecoshare itself is refused (InvalidRefundRecipient).
    function pay(
        uint256 agreementId,
        address asset,
        uint256 amount,
        address referrer,
        bytes32 orderRef,
        address refundTo
    ) external payable;

    /// @notice Pays a token agreement with an EIP-2612 permit, in one transaction.
    /// @dev A permit already used (e.g. front-run) is ignored if the allowance is there anyway.
    /// @param refundTo Who is credited if a held payment is refunded; address(0) for the caller (see {pay}).
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
    ) external;

    /// @notice Pays an order: several lines, each to its own agreement (any network, any asset), all or nothing,
    /// in one transaction. Each line is split and held or credited exactly as {pay} would.
    /// @dev Send the sum of the ETH lines as value. Each token is pulled once, for the sum of its lines: approve
    /// it first, or pass a permit for it in `permits` (a permit already used is ignored if the allowance is
    /// there). Emits {OrderPaid}, then each line's events in order.
    /// @param refundTo Who is credited if a held line is refunded; address(0) for the caller. IMPORTANT: a
    /// contract paying for a customer names the customer, or refunds are credited to the contract itself.
    function payOrder(
        OrderLine[] calldata lines,
        bytes32 orderRef,
        address refundTo,
        TokenPermit[] calldata permits
    ) external payable;

    /// @notice Releases held payments whose holdback is over, crediting their splits. Anyone may call.
    /// @dev An entry whose payment was already released or refunded (e.g. by someone else first) is skipped,
    /// whatever its other fields say: its record is gone, so there is nothing left to compare them with. An
    /// unknown `holdId`, or an altered record of a payment still held, reverts the whole batch.
    /// @param held The held payments, as {PaymentHeld} recorded them.
    function releaseHeldPayments(HeldPayment[] calldata held) external;

    /// @notice Refunds a held payment in full to its refund recipient, reversing its whole split (referral and
    /// network fees included). The agreement's refunder only, before the holdback is over. The recipient
    /// withdraws the refund like any balance.
    function refundHeldPayment(HeldPayment calldata held) external;

    /// @notice The volume `referrer` has referred under the lineage of `agreementId` (payments to its tiered
    /// versions; a held payment counts once released, never if refunded), the tier it has reached (0 is the base
    /// rate) and that tier's rate.
    function referredVolume(uint256 agreementId, address referrer)
        external
        view
        returns (uint256 volume, uint8 tier, uint16 feeBps);

    /// @notice The track record of `referrer` in the lineage of `agreementId`: its paid, earned, released,
    /// refunded and still-held volume (payments to the lineage's tiered versions), and the tier, rate and holdback
    /// its next payment to `agreementId` gets. The audit checks these counters against the events.
    function referralRecord(uint256 agreementId, address referrer) external view returns (ReferralRecord memory);

    /// @notice Collects `account`'s earnings from `agreementIds` and pays its whole `asset` balance to it.
    /// Anyone may trigger it; the money goes only to `account`.
    /// @param agreementIds Agreements in `asset` where `account` is a party or the fee recipient (may be empty).
    /// @return amount What was paid out.
    function withdraw(address account, address asset, uint256[] calldata agreementIds)
        external
        returns (uint256 amount);

    /// @notice Like {withdraw} for the caller's own earnings, paid to `recipient` (e.g. when the caller cannot
    /// receive ETH itself).
    function withdrawTo(address recipient, address asset, uint256[] calldata agreementIds)
        external
        returns (uint256 amount);

    /// @notice Pays the caller's earnings from `agreementId` (as a party and as its fee recipient) straight to
    /// the caller, in the agreement's asset: the cheap way to collect one agreement. {withdraw} collects several
    /// with the balance; {withdrawTo} pays elsewhere (for an account that cannot receive ETH).
    /// @return amount What was paid out.
    function claim(uint256 agreementId) external returns (uint256 amount);

    /// @notice `account`'s balance of `asset`, ready to withdraw (not counting uncollected agreement earnings).
    function balanceOf(address account, address asset) external view returns (uint256);

    /// @notice What {withdraw} would collect now for `account` from `agreementId`.
    function collectable(uint256 agreementId, address account) external view returns (uint256);
}
