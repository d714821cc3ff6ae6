// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IRevenueAgreements} from "../interfaces/IRevenueAgreements.sol";

/// @title AgreementHashing
/// @notice EIP-712 struct hashes of an agreement's terms and of a party's acceptance.
/// @dev The type strings here are the on-chain half of the typed data the app asks wallets to sign; the
/// TypeScript half lives in scripts/lib/eip712.ts and a test checks both give the same type hashes.
library AgreementHashing {
    bytes32 internal constant PARTY_TYPEHASH = keccak256("Party(address account,uint16 shareBps)");

    bytes32 internal constant TERMS_TYPEHASH = keccak256(
        "AgreementTerms(uint256 networkId,address asset,Party[] parties,uint16 referralFeeBps,uint16 networkFeeBps,"
        "address feeRecipient,uint40 validFrom,uint40 validUntil,bytes32 termsHash,string termsURI)"
        "Party(address account,uint16 shareBps)"
    );

    bytes32 internal constant ACCEPT_TYPEHASH = keccak256(
        "AcceptAgreement(uint256 agreementId,uint32 version,uint256 previousId,AgreementTerms terms,uint256 deadline)"
        "AgreementTerms(uint256 networkId,address asset,Party[] parties,uint16 referralFeeBps,uint16 networkFeeBps,"
        "address feeRecipient,uint40 validFrom,uint40 validUntil,bytes32 termsHash,string termsURI)"
        "Party(address account,uint16 shareBps)"
    );

    /// @notice The EIP-712 struct hash of `terms`.
    function hashTerms(IRevenueAgreements.AgreementTerms calldata terms) internal pure returns (bytes32) {
        IRevenueAgreements.Party[] calldata parties = terms.parties;
        bytes32[] memory partyHashes = new bytes32[](parties.length);
        for (uint256 i; i < parties.length; ++i) {
            partyHashes[i] = keccak256(abi.encode(PARTY_TYPEHASH, parties[i].account, parties[i].shareBps));
        }
        return keccak256(
            bytes.concat(
                abi.encode(
                    TERMS_TYPEHASH,
                    terms.networkId,
                    terms.asset,
                    keccak256(abi.encodePacked(partyHashes)),
                    terms.referralFeeBps,
                    terms.networkFeeBps
                ),
                abi.encode(
                    terms.feeRecipient,
                    terms.validFrom,
                    terms.validUntil,
                    terms.termsHash,
                    keccak256(bytes(terms.termsURI))
                )
            )
        );
    }

    /// @notice The EIP-712 struct hash of an acceptance of version `version` of `agreementId`.
    function hashAcceptance(
        uint256 agreementId,
        uint32 version,
        uint256 previousId,
        bytes32 termsDigest,
        uint256 deadline
    ) internal pure returns (bytes32) {
        return keccak256(abi.encode(ACCEPT_TYPEHASH, agreementId, version, previousId, termsDigest, deadline));
    }
}
