// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IReferralPayments} from "../interfaces/IReferralPayments.sol";

/// @title CheckoutRouter
/// @notice Test-only third-party checkout: takes a customer's ETH and pays an Ecoshare agreement or order for the
/// customer, so Ecoshare sees the router as the payer. Like many routers it has no receive function and cannot
/// take ETH back. Deployed with `namesCustomer` it names the customer as `refundTo` (the correct integration);
/// without, it shows where a refund then goes: to the router, out of the customer's reach.
contract CheckoutRouter {
    IReferralPayments private immutable ECOSHARE;
    bool private immutable NAMES_CUSTOMER;

    constructor(IReferralPayments ecoshare, bool namesCustomer) {
        ECOSHARE = ecoshare;
        NAMES_CUSTOMER = namesCustomer;
    }

    /// @notice Pays ETH agreement `agreementId` the ETH sent, for the caller.
    function checkout(uint256 agreementId, address referrer, bytes32 orderRef) external payable {
        ECOSHARE.pay{value: msg.value}(agreementId, address(0), msg.value, referrer, orderRef, _refundTo());
    }

    /// @notice Pays an all-ETH order for the caller with the ETH sent.
    function checkoutOrder(IReferralPayments.OrderLine[] calldata lines, bytes32 orderRef) external payable {
        ECOSHARE.payOrder{value: msg.value}(lines, orderRef, _refundTo(), new IReferralPayments.TokenPermit[](0));
    }

    function _refundTo() private view returns (address) {
        return NAMES_CUSTOMER ? msg.sender : address(0);
    }
}
