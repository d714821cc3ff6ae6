// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IMandates} from "../interfaces/IMandates.sol";
import {IRevenueAgreements} from "../interfaces/IRevenueAgreements.sol";

/// @title AgreementHashing
/// @notice EIP-712 struct hashes of an agreement's terms, a party's acceptance, a signed counter-proposal and a
/// signed mandate.
/// @dev The type strings here are the on-chain half of the typed data the app asks wallets to sign; the
/// TypeScript half lives in client/eip712.ts; tests check both give the same digests and that
/// docs/architecture.md quotes these exact type strings.
library AgreementHashing {
    bytes32 internal constant PARTY_TYPEHASH = keccak256("Party(address account,uint16 shareBps)");

    bytes32 internal constant TIER_TYPEHASH = keccak256("ReferralTier(uint128 fromVolume,uint16 feeBps,uint32 holdbackPeriod)");

    string private constant TERMS_TYPE =
        "AgreementTerms(uint256 networkId,address asset,Party[] parties,uint16 referralFeeBps,"
        "ReferralTier[] referralTiers,uint8 referrerRoles,uint16 networkFeeBps,address feeRecipient,uint32 validFrom,"
        "uint32 validUntil,"
        "uint32 holdbackPeriod,address refunder,bytes32 termsHash,string termsURI)";

    // Referenced struct types follow the primary type in alphabetical order, as EIP-712 encodeType says.
    string private constant REFERENCED_TYPES =
        "Party(address account,uint16 shareBps)ReferralTier(uint128 fromVolume,uint16 feeBps,uint32 holdbackPeriod)";

    bytes32 internal constant TERMS_TYPEHASH = keccak256(abi.encodePacked(TERMS_TYPE, REFERENCED_TYPES));

    bytes32 internal constant ACCEPT_TYPEHASH = keccak256(
        abi.encodePacked(
            "AcceptAgreement(address signer,uint256 agreementId,uint32 version,uint256 previousId,AgreementTerms terms,"
            "uint256 deadline)",
            TERMS_TYPE,
            REFERENCED_TYPES
        )
    );

    bytes32 internal constant COUNTER_TYPEHASH = keccak256(
        abi.encodePacked(
            "CounterProposal(address author,uint256 counteredId,AgreementTerms terms,uint256 nonce,uint256 deadline)",
            TERMS_TYPE,
            REFERENCED_TYPES
        )
    );

    string private constant MANDATE_TYPE =
        "Mandate(uint256 networkId,uint16 minShareBps,uint16 maxReferralFeeBps,uint16 maxNetworkFeeBps,"
        "uint32 minHoldbackPeriod,uint32 maxHoldbackPeriod,uint32 maxValidity,uint32 expiresAt,address[] assets)";

    bytes32 internal constant MANDATE_TYPEHASH = keccak256(bytes(MANDATE_TYPE));

    bytes32 internal constant SET_MANDATE_TYPEHASH = keccak256(
        abi.encodePacked("SetMandate(address member,Mandate mandate,uint256 nonce,uint256 deadline)", MANDATE_TYPE)
    );

    /// @notice The EIP-712 struct hash of `terms`.
    function hashTerms(IRevenueAgreements.AgreementTerms calldata terms) internal pure returns (bytes32) {
        return keccak256(
            bytes.concat(
                abi.encode(
                    TERMS_TYPEHASH,
                    terms.networkId,
                    terms.asset,
                    _hashParties(terms.parties),
                    terms.referralFeeBps,
                    _hashTiers(terms.referralTiers),
                    terms.referrerRoles,
                    terms.networkFeeBps
                ),
                abi.encode(
                    terms.feeRecipient,
                    terms.validFrom,
                    terms.validUntil,
                    terms.holdbackPeriod,
                    terms.refunder,
                    terms.termsHash,
                    keccak256(bytes(terms.termsURI))
                )
            )
        );
    }

    /// @notice The EIP-712 struct hash of an acceptance of version `version` of `agreementId`.
    /// @dev The message names its signer: a smart account that accepts signatures from a key other accounts
    /// accept too (ERC-1271 without ERC-7739's wrapping) cannot have one signature count for both.
    function hashAcceptance(
        address signer,
        uint256 agreementId,
        uint32 version,
        uint256 previousId,
        bytes32 termsDigest,
        uint256 deadline
    ) internal pure returns (bytes32) {
        return keccak256(abi.encode(ACCEPT_TYPEHASH, signer, agreementId, version, previousId, termsDigest, deadline));
    }

    /// @notice The EIP-712 struct hash of a counter-proposal to `counteredId`.
    /// @dev The message names its author, for the same reason as {hashAcceptance}.
    function hashCounter(address author, uint256 counteredId, bytes32 termsDigest, uint256 nonce, uint256 deadline)
        internal
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(COUNTER_TYPEHASH, author, counteredId, termsDigest, nonce, deadline));
    }

    /// @notice The EIP-712 struct hash of `member`'s signed mandate.
    /// @dev The message names its member, for the same reason as {hashAcceptance}.
    function hashSetMandate(address member, IMandates.Mandate calldata mandate, uint256 nonce, uint256 deadline)
        internal
        pure
        returns (bytes32)
    {
        bytes32 mandateHash = keccak256(
            abi.encode(
                MANDATE_TYPEHASH,
                mandate.networkId,
                mandate.minShareBps,
                mandate.maxReferralFeeBps,
                mandate.maxNetworkFeeBps,
                mandate.minHoldbackPeriod,
                mandate.maxHoldbackPeriod,
                mandate.maxValidity,
                mandate.expiresAt,
                // An array of addresses is hashed as its 32-byte-padded elements, concatenated (EIP-712 encodeData).
                keccak256(abi.encodePacked(mandate.assets))
            )
        );
        return keccak256(abi.encode(SET_MANDATE_TYPEHASH, member, mandateHash, nonce, deadline));
    }

    function _hashParties(IRevenueAgreements.Party[] calldata parties) private pure returns (bytes32) {
        bytes32[] memory hashes = new bytes32[](parties.length);
        for (uint256 i; i < parties.length; ++i) {
            hashes[i] = keccak256(abi.encode(PARTY_TYPEHASH, parties[i].account, parties[i].shareBps));
        }
        return keccak256(abi.encodePacked(hashes));
    }

    function _hashTiers(IRevenueAgreements.ReferralTier[] calldata tiers) private pure returns (bytes32) {
        bytes32[] memory hashes = new bytes32[](tiers.length);
        for (uint256 i; i < tiers.length; ++i) {
            hashes[i] = keccak256(
                abi.encode(TIER_TYPEHASH, tiers[i].fromVolume, tiers[i].feeBps, tiers[i].holdbackPeriod)
            );
        }
        return keccak256(abi.encodePacked(hashes));
    }
}
