// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Agreement} from "./AgreementBook.sol";

/// @notice Reads and writes the two hot slots of an {Agreement} as whole words, for the payment and collection
/// paths: Solidity reads a packed struct field by field and writes a memory copy back field by field, which
/// costs a payment several extra SLOADs and SSTOREs. The bit positions are Solidity's own packing of
/// {PaymentTerms} and {RunningTotals} (first field in the lowest bits). Views read the same slots through the
/// structs, so every payment test that checks `agreement()` after a payment checks these positions too.
library AgreementSlots {
    uint256 private constant AMOUNTS_MASK = (1 << 216) - 1;

    /// @notice The {PaymentTerms} and {RunningTotals} words of `a`.
    function load(Agreement storage a) internal view returns (uint256 pricing, uint256 totals) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            pricing := sload(a.slot)
            totals := sload(add(a.slot, 1))
        }
    }

    /// @notice The {RunningTotals} word of `a`.
    function loadTotals(Agreement storage a) internal view returns (uint256 totals) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            totals := sload(add(a.slot, 1))
        }
    }

    /// @notice Writes `totals` as `a`'s {RunningTotals} in one SSTORE.
    function storeTotals(Agreement storage a, uint256 totals) internal {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            sstore(add(a.slot, 1), totals)
        }
    }

    function asset(uint256 pricing) internal pure returns (address) {
        return address(uint160(pricing));
    }

    function validFrom(uint256 pricing) internal pure returns (uint32) {
        return uint32(pricing >> 160);
    }

    function validUntil(uint256 pricing) internal pure returns (uint32) {
        return uint32(pricing >> 192);
    }

    function referralFeeBps(uint256 pricing) internal pure returns (uint16) {
        return uint16(pricing >> 224);
    }

    function networkFeeBps(uint256 pricing) internal pure returns (uint16) {
        return uint16(pricing >> 240);
    }

    function vendorPool(uint256 totals) internal pure returns (uint256) {
        return uint112(totals);
    }

    function networkFees(uint256 totals) internal pure returns (uint256) {
        return uint104(totals >> 112);
    }

    function networkId(uint256 totals) internal pure returns (uint256) {
        return uint32(totals >> 216);
    }

    function flags(uint256 totals) internal pure returns (uint256) {
        return uint8(totals >> 248);
    }

    /// @notice `totals` with its vendor pool and network fees replaced; both must fit (112 and 104 bits).
    function withAmounts(uint256 totals, uint256 newVendorPool, uint256 newNetworkFees)
        internal
        pure
        returns (uint256)
    {
        return (totals & ~AMOUNTS_MASK) | newVendorPool | (newNetworkFees << 112);
    }
}
