// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ecoshare} from "../../contracts/Ecoshare.sol";
import {IMandates} from "../../contracts/interfaces/IMandates.sol";
import {INetworkRegistry} from "../../contracts/interfaces/INetworkRegistry.sol";
import {IReferralPayments} from "../../contracts/interfaces/IReferralPayments.sol";
import {IRevenueAgreements} from "../../contracts/interfaces/IRevenueAgreements.sol";
import {MockStablecoin} from "../../contracts/mocks/MockStablecoin.sol";
import {RevertingRecipient} from "../../contracts/mocks/RevertingRecipient.sol";
import {IVm} from "../utils/IVm.sol";

import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

import {EcoshareModel} from "./EcoshareModel.sol";

/// @title EcoshareHandler
/// @notice The only target of the invariant fuzzer: each external function is one user action on a real
/// Ecoshare, taken by one of eight actors (seven EOAs and an ERC-1271 smart wallet, all with private keys),
/// with inputs bounded so that most calls mean something and some are deliberately wrong.
/// @dev Every action asks the model what must happen, makes the call (never reverting itself: the fuzzer
/// runs with failOnRevert), then asserts the outcome: the exact error selector when the call had to fail,
/// and every balance and total it moved when it had to succeed. A failed assertion reverts the action,
/// which fails the campaign and prints the call sequence.
contract EcoshareHandler is EcoshareModel {
    uint256 public constant ACTOR_COUNT = 8;
    uint256 internal constant MAX_DRAFTED_PARTIES = 6;
    uint256 internal constant MAX_NETWORKS = 6;
    uint256 internal constant MAX_AGREEMENTS = 32;
    uint256 internal constant MAX_WARP = 20 days;
    bytes32 internal constant PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");
    bytes32 internal constant PARTY_TYPEHASH = keccak256("Party(address account,uint16 shareBps)");
    bytes32 internal constant TIER_TYPEHASH = keccak256("ReferralTier(uint128 fromVolume,uint16 feeBps)");
    bytes32 internal constant TERMS_TYPEHASH = keccak256(
        "AgreementTerms(uint256 networkId,address asset,Party[] parties,uint16 referralFeeBps,"
        "ReferralTier[] referralTiers,uint8 referrerRoles,uint16 networkFeeBps,address feeRecipient,uint32 validFrom,"
        "uint32 validUntil,uint32 holdbackPeriod,address refunder,bytes32 termsHash,string termsURI)"
        "Party(address account,uint16 shareBps)ReferralTier(uint128 fromVolume,uint16 feeBps)"
    );
    bytes32 internal constant COUNTER_TYPEHASH = keccak256(
        "CounterProposal(address author,uint256 counteredId,AgreementTerms terms,uint256 nonce,uint256 deadline)"
        "AgreementTerms(uint256 networkId,address asset,Party[] parties,uint16 referralFeeBps,"
        "ReferralTier[] referralTiers,uint8 referrerRoles,uint16 networkFeeBps,address feeRecipient,uint32 validFrom,"
        "uint32 validUntil,uint32 holdbackPeriod,address refunder,bytes32 termsHash,string termsURI)"
        "Party(address account,uint16 shareBps)ReferralTier(uint128 fromVolume,uint16 feeBps)"
    );
    bytes32 internal constant MANDATE_TYPEHASH = keccak256(
        "Mandate(uint256 networkId,uint16 minShareBps,uint16 maxReferralFeeBps,uint16 maxNetworkFeeBps,"
        "uint32 minHoldbackPeriod,uint32 maxHoldbackPeriod,uint32 maxValidity,uint32 expiresAt,address[] assets)"
    );
    bytes32 internal constant SET_MANDATE_TYPEHASH = keccak256(
        "SetMandate(address member,Mandate mandate,uint256 nonce,uint256 deadline)"
        "Mandate(uint256 networkId,uint16 minShareBps,uint16 maxReferralFeeBps,uint16 maxNetworkFeeBps,"
        "uint32 minHoldbackPeriod,uint32 maxHoldbackPeriod,uint32 maxValidity,uint32 expiresAt,address[] assets)"
    );
    bytes32 internal constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");

    // Short names for the statuses the handler steers by.
    IRevenueAgreements.AgreementStatus internal constant PENDING = IRevenueAgreements.AgreementStatus.Pending;
    IRevenueAgreements.AgreementStatus internal constant ACTIVE = IRevenueAgreements.AgreementStatus.Active;
    INetworkRegistry.MemberStatus internal constant ACTIVE_MEMBER = INetworkRegistry.MemberStatus.Active;
    INetworkRegistry.MemberStatus internal constant SUSPENDED = INetworkRegistry.MemberStatus.Suspended;

    /// @notice Where withdrawTo sends money when the account names another wallet.
    address public constant COLD_WALLET = address(0xC01D);
    /// @notice A payout address that refuses ETH: withdrawals of ETH to it must revert and leave the balance.
    RevertingRecipient public refuser;

    /// @dev The model of each author's unordered counter-proposal nonces: used by a counter or cancelled.
    mapping(address author => mapping(uint256 nonce => bool)) internal _counterNonceUsed;
    /// @dev Each author's last nonce used or cancelled, so that drafted nonces land next to it (same bitmap word).
    mapping(address author => uint256) internal _lastCounterNonce;
    /// @dev The last counterProposeWithSignature call that went through, for replays, and its deadline.
    bytes internal _lastCounterCall;
    uint256 internal _lastCounterDeadline;

    /// @notice How often each action ran and how often it succeeded, to see what the fuzzer reached.
    mapping(bytes32 action => uint256) public calls;
    mapping(bytes32 action => uint256) public successes;

    constructor(Ecoshare ecoshare_, MockStablecoin token_) EcoshareModel(ecoshare_, token_, ACTOR_COUNT) {
        refuser = new RevertingRecipient();
        vm.label(address(refuser), "revertingRecipient");
        vm.label(COLD_WALLET, "coldWallet");
    }

    // ================================================================================================
    // Networks and memberships
    // ================================================================================================

    function createNetwork(uint256 operatorSeed, uint256 kindSeed, uint256 recipientSeed, uint256 feeSeed) external {
        if (networkCount >= MAX_NETWORKS) return;
        (address feeRecipient, uint16 feeBps) = _draftFeeTerms(recipientSeed, feeSeed);
        _createNetwork(_actor(operatorSeed), INetworkRegistry.NetworkKind(kindSeed % 4), feeRecipient, feeBps);
    }

    function _createNetwork(address operator, INetworkRegistry.NetworkKind kind, address feeRecipient, uint16 feeBps)
        private
    {
        bytes4 expected = _predictFeeTerms(feeRecipient, feeBps);
        (bool ok, bytes memory ret) =
            _callAs(operator, abi.encodeCall(ecoshare.createNetwork, (kind, feeRecipient, feeBps, "ipfs://net")), 0);
        if (!_outcome("createNetwork", ok, ret, expected)) return;

        uint256 networkId = abi.decode(ret, (uint256));
        vm.assertEq(networkId, ++networkCount, "createNetwork: ids must run from 1");
        _networks[networkId] = GhostNetwork({
            operator: operator,
            pendingOperator: address(0),
            kind: kind,
            feeRecipient: feeRecipient,
            feeBps: feeBps
        });
        _checkNetwork(networkId);
    }

    function setNetworkFee(uint256 networkSeed, uint256 callerSeed, uint256 recipientSeed, uint256 feeSeed) external {
        uint256 networkId = _pickNetwork(networkSeed);
        address caller = _pickOperatorOrAnyone(networkId, callerSeed);
        (address feeRecipient, uint16 feeBps) = _draftFeeTerms(recipientSeed, feeSeed);

        bytes4 expected = _predictOperatorCall(networkId, caller);
        if (expected == 0) expected = _predictFeeTerms(feeRecipient, feeBps);
        (bool ok, bytes memory ret) =
            _callAs(caller, abi.encodeCall(ecoshare.setNetworkFee, (networkId, feeRecipient, feeBps)), 0);
        if (!_outcome("setNetworkFee", ok, ret, expected)) return;

        _networks[networkId].feeRecipient = feeRecipient;
        _networks[networkId].feeBps = feeBps;
        _checkNetwork(networkId);
    }

    function transferOperator(uint256 networkSeed, uint256 callerSeed, uint256 newOperatorSeed) external {
        uint256 networkId = _pickNetwork(networkSeed);
        address caller = _pickOperatorOrAnyone(networkId, callerSeed);
        address newOperator = _chance(newOperatorSeed, 1, 16) ? address(0) : _actor(newOperatorSeed);

        bytes4 expected = _predictOperatorCall(networkId, caller);
        if (expected == 0 && newOperator == address(0)) expected = INetworkRegistry.ZeroOperator.selector;
        (bool ok, bytes memory ret) =
            _callAs(caller, abi.encodeCall(ecoshare.transferOperator, (networkId, newOperator)), 0);
        if (!_outcome("transferOperator", ok, ret, expected)) return;

        _networks[networkId].pendingOperator = newOperator;
        _checkNetwork(networkId);
    }

    function cancelOperatorTransfer(uint256 networkSeed, uint256 callerSeed) external {
        uint256 networkId = _pickNetwork(networkSeed);
        address caller = _pickOperatorOrAnyone(networkId, callerSeed);

        bytes4 expected = _predictOperatorCall(networkId, caller);
        (bool ok, bytes memory ret) = _callAs(caller, abi.encodeCall(ecoshare.cancelOperatorTransfer, (networkId)), 0);
        if (!_outcome("cancelOperatorTransfer", ok, ret, expected)) return;

        _networks[networkId].pendingOperator = address(0);
        _checkNetwork(networkId);
    }

    function acceptOperator(uint256 networkSeed, uint256 callerSeed) external {
        uint256 networkId = _pickNetwork(networkSeed);
        address pending = _networks[networkId].pendingOperator;
        address caller = pending != address(0) && !_chance(callerSeed, 2, 4) ? pending : _actor(callerSeed);

        bytes4 expected = !_networkExists(networkId)
            ? INetworkRegistry.UnknownNetwork.selector
            : pending != caller ? INetworkRegistry.NotPendingOperator.selector : bytes4(0);
        (bool ok, bytes memory ret) = _callAs(caller, abi.encodeCall(ecoshare.acceptOperator, (networkId)), 0);
        if (!_outcome("acceptOperator", ok, ret, expected)) return;

        _networks[networkId].operator = caller;
        _networks[networkId].pendingOperator = address(0);
        _checkNetwork(networkId);
    }

    /// @notice The operator replaces its network's metadata, or a member its own; neither touches any state
    /// but the events, so only who may do it is checked.
    function setMetadata(uint256 networkSeed, uint256 callerSeed, bool ofNetwork) external {
        uint256 networkId = _pickNetwork(networkSeed);
        bytes4 expected;
        bytes memory data;
        address caller;
        if (ofNetwork) {
            caller = _pickOperatorOrAnyone(networkId, callerSeed);
            expected = _predictOperatorCall(networkId, caller);
            data = abi.encodeCall(ecoshare.setNetworkMetadata, (networkId, "ipfs://net-v2"));
        } else {
            caller = _chance(callerSeed, 19, 4)
                ? _actor(callerSeed)
                : _pickMember(networkId, callerSeed, ACTIVE_MEMBER);
            expected = _predictLeave(networkId, caller); // same rule: any membership, whatever its status
            data = abi.encodeCall(ecoshare.setMemberMetadata, (networkId, "ipfs://member-v2"));
        }
        (bool ok, bytes memory ret) = _callAs(caller, data, 0);
        _outcome(ofNetwork ? bytes32("setNetworkMetadata") : bytes32("setMemberMetadata"), ok, ret, expected);
    }

    function join(uint256 networkSeed, uint256 actorSeed, uint256 roleSeed) external {
        uint256 networkId = _pickNetwork(networkSeed);
        address account = _pickMember(networkId, actorSeed, INetworkRegistry.MemberStatus.None);
        _join(networkId, account, INetworkRegistry.MemberRole(roleSeed % 3));
    }

    function _join(uint256 networkId, address account, INetworkRegistry.MemberRole role) private {
        bytes4 expected = _predictJoin(networkId, account);
        bool admittedAtOnce = expected == 0 && _admittedOnJoin(networkId, account);
        (bool ok, bytes memory ret) =
            _callAs(account, abi.encodeCall(ecoshare.join, (networkId, role, "ipfs://member")), 0);
        if (!_outcome("join", ok, ret, expected)) return;

        _memberStatus[networkId][account] =
            admittedAtOnce ? INetworkRegistry.MemberStatus.Active : INetworkRegistry.MemberStatus.Pending;
        _memberRole[networkId][account] = role;
        _checkMembership(networkId, account);
        vm.assertEq(uint256(ecoshare.membership(networkId, account).role), uint256(role), "join: role not stored");
    }

    function admit(uint256 networkSeed, uint256 callerSeed, uint256 accountSeed) external {
        uint256 networkId = _pickNetwork(networkSeed);
        address account = _pickMember(networkId, accountSeed, INetworkRegistry.MemberStatus.Pending);
        _answer(networkId, _pickAdmitter(networkId, callerSeed), account, true);
    }

    function decline(uint256 networkSeed, uint256 callerSeed, uint256 accountSeed) external {
        uint256 networkId = _pickNetwork(networkSeed);
        address account = _pickMember(networkId, accountSeed, INetworkRegistry.MemberStatus.Pending);
        _answer(networkId, _pickAdmitter(networkId, callerSeed), account, false);
    }

    function suspend(uint256 networkSeed, uint256 callerSeed, uint256 accountSeed) external {
        _moveStatus(networkSeed, callerSeed, accountSeed, INetworkRegistry.MemberStatus.Active, SUSPENDED);
    }

    function reinstate(uint256 networkSeed, uint256 callerSeed, uint256 accountSeed) external {
        _moveStatus(networkSeed, callerSeed, accountSeed, SUSPENDED, INetworkRegistry.MemberStatus.Active);
    }

    function leave(uint256 networkSeed, uint256 actorSeed) external {
        uint256 networkId = _pickNetwork(networkSeed);
        // Mostly someone with a membership to end, whatever its status.
        address account = _actor(actorSeed);
        if (!_chance(actorSeed, 1, 4)) {
            for (uint256 i; i < ACTOR_COUNT; ++i) {
                address candidate = _actorAt(actorSeed, i);
                if (_memberStatus[networkId][candidate] != INetworkRegistry.MemberStatus.None) {
                    account = candidate;
                    break;
                }
            }
        }

        bytes4 expected = _predictLeave(networkId, account);
        (bool ok, bytes memory ret) = _callAs(account, abi.encodeCall(ecoshare.leave, (networkId)), 0);
        if (!_outcome("leave", ok, ret, expected)) return;

        _commitLeave(networkId, account);
        _checkMembership(networkId, account);
    }

    // ================================================================================================
    // Agreements
    // ================================================================================================

    function propose(
        uint256 networkSeed,
        uint256 proposerSeed,
        uint256 partySeed,
        uint256 shareSeed,
        uint256 feeSeed,
        uint256 windowSeed
    ) external {
        if (agreementCount >= MAX_AGREEMENTS) return;
        uint256 networkId = _pickPopulatedNetwork(networkSeed);
        IRevenueAgreements.AgreementTerms memory terms =
            _draftTerms(networkId, new address[](0), partySeed, shareSeed, feeSeed, windowSeed);
        _propose(_pickProposer(terms, proposerSeed, 0), 0, terms);
    }

    function amend(
        uint256 agreementSeed,
        uint256 proposerSeed,
        uint256 partySeed,
        uint256 shareSeed,
        uint256 feeSeed,
        uint256 windowSeed
    ) external {
        if (agreementCount >= MAX_AGREEMENTS || agreementCount == 0) return;
        uint256 previousId = _pickAgreement(agreementSeed, IRevenueAgreements.AgreementStatus.Active, address(1));
        if (!_agreementExists(previousId)) return;
        GhostAgreement storage previous = _agreements[previousId];
        // Now and then, try to move the agreement to another network.
        uint256 networkId = _chance(agreementSeed, 3, 32) ? _pickNetwork(_rand(agreementSeed, 3)) : previous.networkId;
        IRevenueAgreements.AgreementTerms memory terms =
            _draftTerms(networkId, previous.parties, partySeed, shareSeed, feeSeed, windowSeed);
        terms.asset = _followingAsset(previous.asset, agreementSeed);
        _propose(_pickProposer(terms, proposerSeed, previousId), previousId, terms);
    }

    function accept(uint256 agreementSeed, uint256 partySeed) external {
        uint256 agreementId = _pickAcceptable(agreementSeed);
        address party = _pickParty(agreementId, partySeed, true);

        bytes4 expected = _predictAccept(agreementId, party);
        (bool ok, bytes memory ret) = _callAs(party, abi.encodeCall(ecoshare.accept, (agreementId)), 0);
        if (!_outcome("accept", ok, ret, expected)) return;

        _commitAcceptance(agreementId, party);
        _checkAgreement(agreementId);
        if (_agreements[agreementId].previousId != 0) _checkAgreement(_agreements[agreementId].previousId);
    }

    /// @notice Submits 1 to 4 EIP-712 acceptances, signed with the actors' keys over the contract's own digest,
    /// as an app would after collecting them off-chain. One call in four carries one bad entry: expired, forged
    /// (signed by another key) or from a non-party.
    function acceptBySignature(uint256 agreementSeed, uint256 signerSeed, uint256 submitterSeed, uint256 deadlineSeed)
        external
    {
        // Now and then a relayer resubmits a batch for an agreement that is already active.
        uint256 agreementId = _chance(agreementSeed, 21, 8)
            ? _pickAgreement(agreementSeed, ACTIVE, address(1))
            : _pickAcceptable(agreementSeed);
        uint256 count = 1 + signerSeed % 4;
        uint256 faulty = _chance(signerSeed, 1, 4) ? _rand(signerSeed, 2) % count : type(uint256).max;
        uint256 fault = _rand(signerSeed, 3) % 3;
        IRevenueAgreements.SignedAcceptance[] memory acceptances = new IRevenueAgreements.SignedAcceptance[](count);
        bool[] memory forged = new bool[](count);
        address[] storage parties = _agreements[agreementId].parties;
        for (uint256 i; i < count; ++i) {
            // Parties in turn from a random one, those yet to accept first; repeats are skipped by the contract.
            address signer =
                parties.length == 0 ? _actor(signerSeed) : _nthPendingParty(agreementId, signerSeed % 64 + i);
            if (i == faulty && fault == 0) signer = _actor(_rand(signerSeed, 4)); // maybe not a party
            uint256 deadline = i == faulty && fault == 1
                ? block.timestamp - 1 - _bound(deadlineSeed, 0, 1 days)
                : block.timestamp + _bound(_rand(deadlineSeed, i), 0, 30 days);
            forged[i] = i == faulty && fault == 2;
            acceptances[i] = _signAcceptance(agreementId, signer, deadline, forged[i]);
        }

        (bytes4 expected, address[] memory accepting) = _predictSignedAcceptances(agreementId, acceptances, forged);
        bytes memory data = abi.encodeCall(ecoshare.acceptWithSignatures, (agreementId, acceptances));
        (bool ok, bytes memory ret) = _callAs(_actor(submitterSeed), data, 0);
        if (!_outcome("acceptBySignature", ok, ret, expected)) return;

        for (uint256 i; i < accepting.length; ++i) {
            _commitAcceptance(agreementId, accepting[i]);
        }
        _checkAgreement(agreementId);
        if (_agreements[agreementId].previousId != 0) _checkAgreement(_agreements[agreementId].previousId);
    }

    function terminate(uint256 agreementSeed, uint256 callerSeed) external {
        // Only a third of the attempts aim at a live agreement, so that agreements live long enough to be paid.
        IRevenueAgreements.AgreementStatus live = _chance(agreementSeed, 1, 2) ? ACTIVE : PENDING;
        uint256 agreementId = _chance(agreementSeed, 2, 3)
            ? _pickAgreement(agreementSeed, live, address(1))
            : 1 + agreementSeed % (agreementCount + 1);
        address caller = _pickParty(agreementId, callerSeed, false);
        _terminate(agreementId, caller);
    }

    // ================================================================================================
    // Negotiation
    // ================================================================================================

    /// @notice A party answers a pending version with changed terms (shares, rates, tiers, window, holdback),
    /// by transaction. Now and then the answer is wrong: a non-party author, a settled thread, a dropped party.
    function counterPropose(
        uint256 agreementSeed,
        uint256 authorSeed,
        uint256 partySeed,
        uint256 shareSeed,
        uint256 feeSeed,
        uint256 windowSeed
    ) external {
        if (agreementCount >= MAX_AGREEMENTS || agreementCount == 0) return;
        uint256 counteredId = _pickCounterable(agreementSeed);
        IRevenueAgreements.AgreementTerms memory terms =
            _draftCounterTerms(counteredId, agreementSeed, partySeed, shareSeed, feeSeed, windowSeed);
        address author = _pickParty(counteredId, authorSeed, false);
        bytes4 expected = _predictPropose(author, counteredId, true, terms);
        _counter(
            author,
            counteredId,
            terms,
            Submission(author, abi.encodeCall(ecoshare.counterPropose, (counteredId, terms)), expected, "counterPropose")
        );
    }

    /// @notice A party signs an EIP-712 CounterProposal with an unordered nonce (random, or next to one it
    /// used) that anyone submits. One call in four is faulty: expired, signed by another key, signed for another
    /// countered version, or cancelled by the author (invalidateCounterNonce) before it is submitted; one in
    /// eight replays the last counter signature that went through (its nonce is spent: refused).
    function counterProposeBySignature(
        uint256 agreementSeed,
        uint256 authorSeed,
        uint256 termsSeed,
        uint256 faultSeed
    ) external {
        if (agreementCount >= MAX_AGREEMENTS || agreementCount == 0) return;
        address submitter = _actor(_rand(faultSeed, 1));
        if (_chance(faultSeed, 2, 8) && _lastCounterCall.length != 0) {
            _replayLastCounter(submitter);
            return;
        }
        uint256 counteredId = _pickCounterable(agreementSeed);
        IRevenueAgreements.AgreementTerms memory terms = _draftCounterTerms(
            counteredId, agreementSeed, _rand(termsSeed, 1), _rand(termsSeed, 2), _rand(termsSeed, 3), _rand(termsSeed, 4)
        );
        address author = _pickParty(counteredId, authorSeed, false);
        uint256 fault = _chance(faultSeed, 3, 4) ? 1 + _rand(faultSeed, 4) % 4 : 0;
        uint256 deadline = fault == 1
            ? block.timestamp - 1 - _bound(_rand(faultSeed, 5), 0, 1 days)
            : block.timestamp + _bound(_rand(faultSeed, 5), 0, 30 days);
        uint256 nonce = _draftCounterNonce(author, _rand(faultSeed, 6));
        bytes32 digest = _counterDigest(author, counteredId, terms, nonce, deadline);
        vm.assertEq(
            ecoshare.counterProposalDigest(counteredId, terms, author, nonce, deadline),
            digest,
            "counter: digest differs from the EIP-712 CounterProposal hash"
        );
        // A signature for another countered version does not match this one's digest.
        if (fault == 3) digest = _counterDigest(author, counteredId + 1, terms, nonce, deadline);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(_keyOf[fault == 2 ? _actor(_indexOf(author) + 1) : author], digest);
        // The author cancels the nonce of a counter it signed but no longer wants submitted.
        if (fault == 4) _invalidateCounterNonce(author, nonce);
        bytes memory data = abi.encodeCall(
            ecoshare.counterProposeWithSignature, (counteredId, terms, author, nonce, deadline, abi.encodePacked(r, s, v))
        );
        if (
            _counter(
                author,
                counteredId,
                terms,
                Submission(submitter, data, _predictSignedCounter(author, counteredId, terms, nonce, fault), "counterBySignature")
            )
        ) {
            _useCounterNonce(author, nonce);
            _lastCounterCall = data;
            _lastCounterDeadline = deadline;
        }
        vm.assertTrue(
            ecoshare.isCounterNonceUsed(author, nonce) == _counterNonceUsed[author][nonce], "counter: nonce use differs"
        );
    }

    /// @dev The last counter signature that went through, submitted again: its nonce is spent.
    function _replayLastCounter(address submitter) private {
        bytes4 expected = _lastCounterDeadline < block.timestamp
            ? IRevenueAgreements.CounterSignatureExpired.selector
            : IRevenueAgreements.CounterNonceUsed.selector;
        (bool ok, bytes memory ret) = _callAs(submitter, _lastCounterCall, 0);
        _outcome("counterBySignatureReplay", ok, ret, expected);
    }

    /// @dev In the contract's order: the deadline, the nonce, then the counter itself, and the signature last.
    function _predictSignedCounter(
        address author,
        uint256 counteredId,
        IRevenueAgreements.AgreementTerms memory terms,
        uint256 nonce,
        uint256 fault
    ) private view returns (bytes4) {
        if (fault == 1) return IRevenueAgreements.CounterSignatureExpired.selector;
        if (_counterNonceUsed[author][nonce]) return IRevenueAgreements.CounterNonceUsed.selector;
        bytes4 err = _predictPropose(author, counteredId, true, terms);
        if (err == 0 && (fault == 2 || fault == 3)) err = IRevenueAgreements.InvalidCounterSignature.selector;
        return err;
    }

    /// @notice An actor cancels one of its counter-proposal nonces: mostly a fresh one, now and then one already
    /// used or cancelled (CounterNonceUsed).
    function invalidateCounterNonce(uint256 actorSeed, uint256 nonceSeed) external {
        address author = _actor(actorSeed);
        _invalidateCounterNonce(author, _draftCounterNonce(author, nonceSeed));
    }

    function _invalidateCounterNonce(address author, uint256 nonce) private {
        bytes4 expected = _counterNonceUsed[author][nonce] ? IRevenueAgreements.CounterNonceUsed.selector : bytes4(0);
        vm.recordLogs();
        (bool ok, bytes memory ret) = _callAs(author, abi.encodeCall(ecoshare.invalidateCounterNonce, (nonce)), 0);
        IVm.Log[] memory logs = vm.getRecordedLogs();
        if (!_outcome("invalidateCounterNonce", ok, ret, expected)) return;

        _useCounterNonce(author, nonce);
        vm.assertEq(logs.length, 1, "invalidateCounterNonce: one event");
        vm.assertEq(logs[0].topics[0], IRevenueAgreements.CounterNonceInvalidated.selector, "CounterNonceInvalidated");
        vm.assertEq(address(uint160(uint256(logs[0].topics[1]))), author, "CounterNonceInvalidated: author");
        vm.assertEq(abi.decode(logs[0].data, (uint256)), nonce, "CounterNonceInvalidated: nonce");
        vm.assertTrue(ecoshare.isCounterNonceUsed(author, nonce), "invalidateCounterNonce: nonce still usable");
        // The bitmap marks this nonce alone: its neighbours in the same word keep the model's state.
        uint256 neighbour = nonce ^ 1;
        vm.assertTrue(
            ecoshare.isCounterNonceUsed(author, neighbour) == _counterNonceUsed[author][neighbour],
            "invalidateCounterNonce: a neighbouring nonce changed"
        );
    }

    function _useCounterNonce(address author, uint256 nonce) private {
        _counterNonceUsed[author][nonce] = true;
        _lastCounterNonce[author] = nonce;
    }

    /// @dev Mostly a random nonce; else one next to the author's last (the same bitmap word), the last itself
    /// (used), or a small one (apt to collide across calls).
    function _draftCounterNonce(address author, uint256 seed) private view returns (uint256) {
        uint256 pick = seed % 8;
        uint256 last = _lastCounterNonce[author];
        if (pick < 4) return _rand(seed, 7);
        if (pick == 4) return last ^ (1 + _rand(seed, 8) % 255);
        if (pick == 5) return last;
        if (pick == 6) return last + 256;
        return _rand(seed, 9) % 4;
    }

    /// @notice A party of a version outrun by a competing one (its thread settled on another version) tries to
    /// accept it, by transaction or by signature: NegotiationSettled, and nothing changes.
    function acceptCompeting(uint256 agreementSeed, uint256 partySeed, bool bySignature) external {
        uint256 agreementId;
        for (uint256 i; i < agreementCount; ++i) {
            uint256 id = 1 + (agreementSeed % agreementCount + i) % agreementCount;
            if (_agreements[id].status == PENDING && _winnerOver(id) != 0) {
                agreementId = id;
                break;
            }
        }
        if (agreementId == 0) {
            _count("acceptCompeting:none", false);
            return;
        }
        address party = _pickParty(agreementId, partySeed, true);
        bytes4 expected;
        bytes memory data;
        if (bySignature) {
            IRevenueAgreements.SignedAcceptance[] memory acceptances = new IRevenueAgreements.SignedAcceptance[](1);
            acceptances[0] = _signAcceptance(agreementId, party, block.timestamp + 1 days, false);
            (expected,) = _predictSignedAcceptances(agreementId, acceptances, new bool[](1));
            data = abi.encodeCall(ecoshare.acceptWithSignatures, (agreementId, acceptances));
        } else {
            expected = _predictAccept(agreementId, party);
            data = abi.encodeCall(ecoshare.accept, (agreementId));
        }
        vm.assertEq(uint32(expected), uint32(IRevenueAgreements.NegotiationSettled.selector), "model: outrun version");
        (bool ok, bytes memory ret) = _callAs(party, data, 0);
        _outcome("acceptCompeting", ok, ret, expected);
        _checkAgreement(agreementId);
    }

    struct Submission {
        address submitter;
        bytes data;
        bytes4 expected;
        bytes32 action;
    }

    function _counter(
        address author,
        uint256 counteredId,
        IRevenueAgreements.AgreementTerms memory terms,
        Submission memory sub
    ) private returns (bool) {
        uint256 countBefore = ecoshare.agreementCount();
        (bool ok, bytes memory ret) = _callAs(sub.submitter, sub.data, 0);
        if (!_outcome(sub.action, ok, ret, sub.expected)) {
            vm.assertEq(ecoshare.agreementCount(), countBefore, "counter: a refused counter created an agreement");
            return false;
        }
        uint256 agreementId = abi.decode(ret, (uint256));
        GhostAgreement storage countered = _agreements[counteredId];
        uint256 modelId = _commitProposal(author, countered.previousId, countered.lineageId, terms);
        vm.assertEq(agreementId, modelId, "counter: ids must run from 1");
        _checkAgreement(agreementId);
        _checkAgreement(counteredId);
        if (countered.previousId != 0) _checkAgreement(countered.previousId);
        _checkStoredTerms(agreementId, terms);
        return true;
    }

    /// @dev Terms answering `counteredId`: its network (now and then another one), keeping its parties (now and
    /// then dropping one), with fresh shares, rates, tiers, window and holdback.
    function _draftCounterTerms(
        uint256 counteredId,
        uint256 agreementSeed,
        uint256 partySeed,
        uint256 shareSeed,
        uint256 feeSeed,
        uint256 windowSeed
    ) private view returns (IRevenueAgreements.AgreementTerms memory) {
        GhostAgreement storage countered = _agreements[counteredId];
        uint256 networkId = !_agreementExists(counteredId) || _chance(agreementSeed, 23, 32)
            ? _pickNetwork(_rand(agreementSeed, 3))
            : countered.networkId;
        IRevenueAgreements.AgreementTerms memory terms =
            _draftTerms(networkId, countered.parties, partySeed, shareSeed, feeSeed, windowSeed);
        if (_agreementExists(counteredId)) terms.asset = _followingAsset(countered.asset, agreementSeed);
        return terms;
    }

    /// @dev The asset of a version that follows one in `asset`: the same, now and then the other one
    /// (AmendmentChangesAsset).
    function _followingAsset(address asset, uint256 seed) private view returns (address) {
        if (!_chance(seed, 41, 16)) return asset;
        return asset == ETH ? address(token) : ETH;
    }

    /// @dev Mostly a pending version that can still be countered; else {_pickAgreement}'s choice (maybe
    /// settled, active or unknown).
    function _pickCounterable(uint256 seed) private view returns (uint256) {
        if (!_chance(seed, 22, 4)) {
            for (uint256 i; i < agreementCount; ++i) {
                uint256 id = 1 + (seed % agreementCount + i) % agreementCount;
                if (_predictPending(id) == 0) return id;
            }
        }
        return _pickAgreement(seed, PENDING, address(1));
    }

    /// @dev The EIP-712 digest of a CounterProposal, built here from the domain's parts.
    function _counterDigest(
        address author,
        uint256 counteredId,
        IRevenueAgreements.AgreementTerms memory terms,
        uint256 nonce,
        uint256 deadline
    ) private view returns (bytes32) {
        bytes32 domainSeparator = keccak256(
            abi.encode(DOMAIN_TYPEHASH, keccak256("Ecoshare"), keccak256("2"), block.chainid, address(ecoshare))
        );
        bytes32 structHash =
            keccak256(abi.encode(COUNTER_TYPEHASH, author, counteredId, _termsDigestOf(terms), nonce, deadline));
        return keccak256(abi.encodePacked("\x19\x01", domainSeparator, structHash));
    }

    // ================================================================================================
    // Mandates
    // ================================================================================================

    /// @notice An actor sets a standing mandate, by transaction or by an EIP-712 signature another actor
    /// submits: mostly one that the drafted terms often fall inside, now and then an invalid one, and, by
    /// signature, one time in four a fault: expired, signed by another key, for another chain, or a replay of a
    /// used nonce. Later proposals must then count as the member's acceptance exactly when the model says so.
    function setMandate(uint256 networkSeed, uint256 actorSeed, uint256 boundsSeed, uint256 faultSeed) external {
        uint256 networkId = _chance(networkSeed, 3, 4) ? _pickPopulatedNetwork(networkSeed) : _pickNetwork(networkSeed);
        address member = _chance(actorSeed, 1, 4) ? _actor(actorSeed) : _pickMember(networkId, actorSeed, ACTIVE_MEMBER);
        IMandates.Mandate memory m = _draftMandate(networkId, boundsSeed);
        uint256 nonce = _mandateNonces[member];
        bytes4 expected;
        bytes memory data;
        address caller = member;
        if (_chance(faultSeed, 1, 2)) {
            expected = _predictSetMandate(member, m, nonce);
            data = abi.encodeCall(ecoshare.setMandate, (m));
        } else {
            caller = _actor(_rand(faultSeed, 1));
            uint256 fault = _chance(faultSeed, 2, 4) ? 1 + _rand(faultSeed, 3) % 4 : 0;
            if (fault == 4 && nonce == 0) fault = 0;
            if (fault == 4) --nonce; // a replay: that nonce was used
            uint256 deadline = fault == 1 ? block.timestamp - 1 : block.timestamp + _bound(_rand(faultSeed, 4), 0, 30 days);
            bytes32 digest = _mandateDigest(member, m, nonce, deadline, fault == 3 ? block.chainid + 1 : block.chainid);
            (uint8 v, bytes32 r, bytes32 sig) = vm.sign(_keyOf[fault == 2 ? _actor(_indexOf(member) + 1) : member], digest);
            data = abi.encodeCall(ecoshare.setMandateBySig, (member, m, nonce, deadline, abi.encodePacked(r, sig, v)));
            // The contract's order: the deadline, the signature, then the mandate itself.
            expected = fault == 1
                ? IMandates.MandateSignatureExpired.selector
                : fault == 2 || fault == 3 ? IMandates.InvalidMandateSignature.selector : _predictSetMandate(member, m, nonce);
        }
        (bool ok, bytes memory ret) = _callAs(caller, data, 0);
        if (_outcome(caller == member ? bytes32("setMandate") : bytes32("setMandateBySig"), ok, ret, expected)) {
            _commitSetMandate(member, m);
        }
        _checkMandate(m.networkId, member);
    }

    /// @notice An actor revokes its mandate for a network (set or not): it always goes through.
    function revokeMandate(uint256 networkSeed, uint256 actorSeed) external {
        uint256 networkId = _pickNetwork(networkSeed);
        address member = _actor(actorSeed);
        (bool ok, bytes memory ret) = _callAs(member, abi.encodeCall(ecoshare.revokeMandate, (networkId)), 0);
        if (_outcome("revokeMandate", ok, ret, 0)) _commitRevokeMandate(member, networkId);
        _checkMandate(networkId, member);
    }

    /// @dev Bounds that the drafted terms often fall inside (half the time wide open), else random ones; one
    /// time in 16 invalid in one way.
    function _draftMandate(uint256 networkId, uint256 seed) private view returns (IMandates.Mandate memory m) {
        m.networkId = networkId;
        bool wide = _chance(seed, 1, 2);
        m.minShareBps = wide ? 0 : uint16(_rand(seed, 2) % 4_000);
        m.maxReferralFeeBps = wide ? MAX_REFERRAL_FEE_BPS : uint16(_rand(seed, 3) % (MAX_REFERRAL_FEE_BPS + 1));
        m.maxNetworkFeeBps = wide ? MAX_NETWORK_FEE_BPS : uint16(_rand(seed, 4) % (MAX_NETWORK_FEE_BPS + 1));
        m.maxHoldbackPeriod = wide ? 3 days : uint32(_rand(seed, 5) % 3 days);
        m.minHoldbackPeriod = wide ? 0 : uint32(_rand(seed, 6) % (uint256(m.maxHoldbackPeriod) + 1));
        m.maxValidity = wide ? 70 days : uint32(1 + _rand(seed, 7) % 60 days);
        m.expiresAt = uint32(block.timestamp + 1 + _rand(seed, 8) % 30 days);
        m.assets = new address[](_chance(seed, 9, 2) ? 2 : 1);
        m.assets[0] = _chance(seed, 10, 2) ? ETH : address(token);
        if (m.assets.length == 2) m.assets[1] = m.assets[0] == ETH ? address(token) : ETH;
        if (_chance(seed, 11, 16)) {
            uint256 fault = _rand(seed, 12) % 6;
            if (fault == 0) m.expiresAt = uint32(block.timestamp);
            if (fault == 1) m.assets = new address[](0);
            if (fault == 2) m.assets = new address[](MAX_MANDATE_ASSETS + 1);
            if (fault == 3) m.minShareBps = uint16(BPS + 1);
            if (fault == 4) (m.minHoldbackPeriod, m.maxHoldbackPeriod) = (2, 1);
            if (fault == 5) m.maxValidity = 0;
        }
    }

    /// @dev The EIP-712 digest of a SetMandate, built here from the domain's parts (with `chainId`).
    function _mandateDigest(address member, IMandates.Mandate memory m, uint256 nonce, uint256 deadline, uint256 chainId)
        private
        view
        returns (bytes32)
    {
        bytes32 domainSeparator =
            keccak256(abi.encode(DOMAIN_TYPEHASH, keccak256("Ecoshare"), keccak256("2"), chainId, address(ecoshare)));
        bytes32 mandateHash = keccak256(
            abi.encode(
                MANDATE_TYPEHASH,
                m.networkId,
                m.minShareBps,
                m.maxReferralFeeBps,
                m.maxNetworkFeeBps,
                m.minHoldbackPeriod,
                m.maxHoldbackPeriod,
                m.maxValidity,
                m.expiresAt,
                keccak256(abi.encodePacked(m.assets))
            )
        );
        bytes32 structHash = keccak256(abi.encode(SET_MANDATE_TYPEHASH, member, mandateHash, nonce, deadline));
        return keccak256(abi.encodePacked("\x19\x01", domainSeparator, structHash));
    }

    /// @dev The contract's mandate of `member` for `networkId`, its nonce and liveness equal the model's.
    function _checkMandate(uint256 networkId, address member) private view {
        (IMandates.Mandate memory got, uint256 setWith, bool live) = ecoshare.mandateOf(networkId, member);
        IMandates.Mandate storage want = _mandates[networkId][member];
        vm.assertEq(ecoshare.mandateNonce(member), _mandateNonces[member], "mandate: nonce differs from the model");
        vm.assertEq(got.expiresAt, want.expiresAt, "mandate: expiry differs from the model");
        vm.assertEq(got.networkId, want.expiresAt == 0 ? 0 : networkId, "mandate: network differs from the model");
        vm.assertEq(setWith, _mandateSetWith[networkId][member], "mandate: the nonce it was set with differs");
        vm.assertTrue(
            live == (want.expiresAt > block.timestamp && _isActive(networkId, member)), "mandate: liveness differs"
        );
        vm.assertEq(
            keccak256(abi.encode(got.minShareBps, got.maxReferralFeeBps, got.maxNetworkFeeBps, got.minHoldbackPeriod)),
            keccak256(abi.encode(want.minShareBps, want.maxReferralFeeBps, want.maxNetworkFeeBps, want.minHoldbackPeriod)),
            "mandate: bounds differ from the model"
        );
        vm.assertEq(
            keccak256(abi.encode(got.maxHoldbackPeriod, got.maxValidity, got.assets)),
            keccak256(abi.encode(want.maxHoldbackPeriod, want.maxValidity, want.assets)),
            "mandate: bounds differ from the model"
        );
    }

    // ================================================================================================
    // Payments
    // ================================================================================================

    function payEth(uint256 agreementSeed, uint256 payerSeed, uint256 amountSeed, uint256 referrerSeed) external {
        _pay(ETH, agreementSeed, payerSeed, amountSeed, referrerSeed, false);
    }

    function payToken(uint256 agreementSeed, uint256 payerSeed, uint256 amountSeed, uint256 referrerSeed) external {
        _pay(address(token), agreementSeed, payerSeed, amountSeed, referrerSeed, false);
    }

    function payTokenWithPermit(uint256 agreementSeed, uint256 payerSeed, uint256 amountSeed, uint256 referrerSeed)
        external
    {
        _pay(address(token), agreementSeed, payerSeed, amountSeed, referrerSeed, true);
    }

    /// @notice A customer pays an order of 1 to 4 lines across agreements (both assets, maybe the same agreement
    /// twice, maybe one that does not take the payment), all or nothing: ETH lines with the call's value, the
    /// token's lines pulled once for their sum by allowance or by permit. Now and then the order is empty, the
    /// value is one wei off, the allowance one short, or a permit names ETH.
    function payOrder(uint256 linesSeed, uint256 payerSeed, uint256 fundingSeed, uint256 refundSeed) external {
        PaymentCall memory c;
        c.payer = _actor(payerSeed);
        c.action = "payOrder";
        c.isOrder = true;
        c.refundTo = _draftRefundTo(c.payer, refundSeed);
        c.orderRef = keccak256(abi.encode("order", linesSeed, block.timestamp));
        uint256 count = _chance(linesSeed, 1, 32) ? 0 : 1 + linesSeed % 4;
        c.lines = new IReferralPayments.OrderLine[](count);
        uint256 ethTotal;
        uint256 tokenTotal;
        for (uint256 i; i < count; ++i) {
            uint256 seed = _rand(linesSeed, 100 + i);
            address asset = _chance(seed, 1, 2) ? ETH : address(token);
            // Now and then the same agreement as the line before, to sum two lines into one pool.
            uint256 agreementId = i != 0 && _chance(seed, 2, 4) ? c.lines[i - 1].agreementId : _pickOpenAgreement(seed, asset);
            if (i != 0 && agreementId == c.lines[i - 1].agreementId) asset = c.lines[i - 1].asset;
            c.lines[i] = IReferralPayments.OrderLine({
                agreementId: agreementId,
                asset: asset,
                amount: _draftAmount(asset, _rand(seed, 3)),
                referrer: _pickReferrer(agreementId, c.payer, _rand(seed, 4))
            });
            if (asset == ETH) ethTotal += c.lines[i].amount;
            else tokenTotal += c.lines[i].amount;
        }
        c.value = ethTotal + (_chance(fundingSeed, 1, 32) ? 1 : 0);
        c.call = _fundOrder(c, tokenTotal, fundingSeed);
        _executePayment(c);
    }

    /// @notice Anyone releases 1 to 3 held payments: mostly ones past their holdback (some still in it:
    /// HoldbackNotOver), now and then a tampered record (UnknownHeldPayment), one already released or refunded
    /// or a repeat in the batch (skipped), or the same batch again (all skipped). Each release must credit
    /// exactly the split recorded at payment, and count its amount into the referrer's earned volume.
    function releaseHeld(uint256 holdSeed, uint256 callerSeed, uint256 shapeSeed) external {
        uint256 count = 1 + shapeSeed % 3;
        IReferralPayments.HeldPayment[] memory records = new IReferralPayments.HeldPayment[](count);
        for (uint256 i; i < count; ++i) {
            records[i] = _pickHeld(_rand(holdSeed, i), true);
        }
        if (_chance(shapeSeed, 1, 16)) ++records[0].vendorShare;
        if (_chance(shapeSeed, 5, 16)) records[0].refundTo = _actor(callerSeed);
        if (count > 1 && _chance(shapeSeed, 2, 16)) records[count - 1] = records[0];
        bool released = _release(_actor(callerSeed), records, "releaseHeld");
        // Someone else submits the same batch again: every record is settled now, so it is all skipped.
        if (released && _chance(shapeSeed, 4, 4)) _release(_actor(shapeSeed), records, "releaseAgain");
        if (released && _chance(shapeSeed, 3, 4)) {
            // A released payment can no longer be refunded, even by its refunder within what was its holdback.
            IReferralPayments.HeldPayment memory r = records[0];
            address refunder = _agreements[r.agreementId].refunder;
            _refund(refunder == address(0) ? _actor(callerSeed) : refunder, r, "refundReleased");
        }
    }

    /// @notice A held payment's refund: mostly by its agreement's refunder within the holdback, now and then
    /// by someone else (NotRefunder), too late (HoldbackOver) or for a tampered record; a refund that went
    /// through is now and then tried again (UnknownHeldPayment), or followed by a release attempt (skipped).
    function refundHeld(uint256 holdSeed, uint256 callerSeed) external {
        IReferralPayments.HeldPayment memory r = _pickHeld(holdSeed, false);
        if (_chance(holdSeed, 30, 16)) ++r.amount;
        // The refund recipient is bound into the record: naming another one (the caller, say) is refused.
        if (_chance(holdSeed, 32, 16)) r.refundTo = _actor(callerSeed);
        address refunder = _agreements[r.agreementId].refunder;
        address caller = refunder != address(0) && !_chance(callerSeed, 1, 4) ? refunder : _actor(callerSeed);
        if (!_refund(caller, r, "refundHeld")) return;
        if (_chance(callerSeed, 2, 2)) {
            _refund(caller, r, "refundTwice");
        } else if (_chance(callerSeed, 3, 2)) {
            IReferralPayments.HeldPayment[] memory records = new IReferralPayments.HeldPayment[](1);
            records[0] = r;
            _release(_actor(callerSeed), records, "releaseRefunded");
        }
    }

    /// @notice Anyone triggers a withdrawal of `account`'s earnings, paid to `account` itself.
    function withdraw(uint256 accountSeed, uint256 assetSeed, uint256 callerSeed, uint256 idsSeed) external {
        address asset = assets()[assetSeed % 2];
        address account = _pickEarner(accountSeed, asset);
        address caller = _chance(callerSeed, 1, 2) ? account : _actor(callerSeed);
        _withdraw(Withdrawal(caller, account, account, asset, _draftIds(account, asset, idsSeed), false));
    }

    /// @notice `account` withdraws its own earnings to another address: itself, another actor, a cold wallet,
    /// a contract that refuses ETH, or the zero address.
    function withdrawTo(uint256 accountSeed, uint256 assetSeed, uint256 recipientSeed, uint256 idsSeed) external {
        address account = _pickEarner(accountSeed, assets()[assetSeed % 2]);
        uint256 pick = _rand(recipientSeed, 0) % 16;
        address recipient = pick < 4
            ? account
            : pick < 9 ? _actor(recipientSeed) : pick < 12 ? COLD_WALLET : pick < 15 ? address(refuser) : address(0);
        address asset = assets()[assetSeed % 2];
        _withdraw(Withdrawal(account, account, recipient, asset, _draftIds(account, asset, idsSeed), true));
    }

    /// @notice An earner collects one agreement's earnings straight to itself (collect): mostly one it is
    /// entitled to, now and then any id (NotEntitled, UnknownAgreement) or one with nothing left
    /// (NothingToClaim); the smart wallet cannot take ETH (NativeTransferFailed).
    function collect(uint256 agreementSeed, uint256 callerSeed) external {
        address asset = assets()[agreementSeed % 2];
        address caller = _pickEarner(callerSeed, asset);
        uint256[] memory ids = _entitledIds(caller, asset);
        uint256 agreementId = ids.length != 0 && !_chance(agreementSeed, 1, 8)
            ? ids[_rand(agreementSeed, 2) % ids.length]
            : 1 + _rand(agreementSeed, 3) % (agreementCount + 1);
        _collect(caller, agreementId);
    }

    function _collect(address caller, uint256 agreementId) private {
        (bytes4 expected, uint256 partyShare, uint256 fee) = _predictCollect(agreementId, caller);
        address asset = _agreements[agreementId].asset;
        if (expected == 0 && asset == ETH && caller == smartWallet()) {
            expected = IReferralPayments.NativeTransferFailed.selector;
        }
        if (_agreementExists(agreementId)) {
            vm.assertEq(ecoshare.collectable(agreementId, caller), partyShare + fee, "collect: collectable differs");
        }
        uint256 holdingsBefore = _holdings(asset);
        uint256 callerBefore = _balanceOfAsset(asset, caller);
        uint256 balanceBefore = ecoshare.balanceOf(caller, asset);
        vm.recordLogs();
        (bool ok, bytes memory ret) = _callAs(caller, abi.encodeCall(ecoshare.claim, (agreementId)), 0);
        IVm.Log[] memory logs = vm.getRecordedLogs();
        if (!_outcome("collect", ok, ret, expected)) return;

        uint256 amount = partyShare + fee;
        vm.assertEq(abi.decode(ret, (uint256)), amount, "collect: paid out another amount than the model's");
        vm.assertEq(_balanceOfAsset(asset, caller) - callerBefore, amount, "collect: caller got another amount");
        vm.assertEq(holdingsBefore - _holdings(asset), amount, "collect: holdings fell by another amount");
        vm.assertEq(ecoshare.balanceOf(caller, asset), balanceBefore, "collect: the balance moved");
        uint256 i = _ecoshareLog(logs, 0);
        vm.assertTrue(i < logs.length, "collect: no EarningsPaid event");
        vm.assertEq(logs[i].topics[0], IReferralPayments.EarningsPaid.selector, "collect: EarningsPaid");
        vm.assertEq(uint256(logs[i].topics[1]), agreementId, "EarningsPaid: agreement id");
        vm.assertEq(address(uint160(uint256(logs[i].topics[2]))), caller, "EarningsPaid: account");
        (uint256 paidShare, uint256 paidFee) = abi.decode(logs[i].data, (uint256, uint256));
        vm.assertEq(paidShare, partyShare, "EarningsPaid: party share");
        vm.assertEq(paidFee, fee, "EarningsPaid: network fee");
        vm.assertEq(_ecoshareLog(logs, i + 1), logs.length, "collect: one event");
        _commitCollect(caller, agreementId, partyShare, fee);
        vm.assertEq(ecoshare.collectable(agreementId, caller), 0, "collect: earnings left uncollected");
    }

    // ================================================================================================
    // Time
    // ================================================================================================

    function warp(uint256 secondsSeed) external {
        _count("warp", true);
        uint256 pick = _rand(secondsSeed, 0) % 8;
        uint256 step = _bound(secondsSeed, 1, pick < 4 ? 1 hours : pick < 7 ? 3 days : MAX_WARP);
        vm.warp(block.timestamp + step);
    }

    /// @notice Jumps to the edge of an agreement's window (a second before it opens, its first second, its last
    /// second, the first second after it), where off-by-one errors live. Time only moves forward.
    function warpToWindowEdge(uint256 agreementSeed, uint256 edgeSeed) external {
        uint256 agreementId = _pickAgreement(agreementSeed, IRevenueAgreements.AgreementStatus.Active, address(1));
        if (!_agreementExists(agreementId)) return;
        GhostAgreement storage a = _agreements[agreementId];
        uint256 edge = edgeSeed % 4;
        uint256 target = edge < 2 ? uint256(a.validFrom) + edge - 1 : uint256(a.validUntil) + edge - 2;
        _count("warpToWindowEdge", target > block.timestamp);
        if (target > block.timestamp) vm.warp(target);
    }

    // ================================================================================================
    // Set-up and settlement: not fuzzed actions (the test's targetSelectors leaves them out)
    // ================================================================================================

    /// @notice A head start so the first actions of a run can already propose and pay: one network of each
    /// kind k, operated by actor k with actor k + 1 collecting a 1-10% fee, and actors k to k + 4 as active
    /// members (admitted by the operator where the kind needs it). Goes through the same checked paths as the
    /// fuzzed actions.
    function bootstrap() external {
        for (uint256 k; k < 4; ++k) {
            _createNetwork(_actor(k), INetworkRegistry.NetworkKind(k), _actor(k + 1), uint16(100 + 300 * k));
            uint256 networkId = networkCount;
            for (uint256 i; i < 5; ++i) {
                address account = _actor(k + i);
                _join(networkId, account, INetworkRegistry.MemberRole(i % 3));
                if (_memberStatus[networkId][account] == INetworkRegistry.MemberStatus.Pending) {
                    _answer(networkId, _actor(k), account, true);
                }
            }
        }
        // And one active agreement per asset in the marketplace, between three of its members (the first
        // proposes, the others accept by transaction and by signature), open for 30 days.
        for (uint256 k; k < 2; ++k) {
            IRevenueAgreements.AgreementTerms memory terms;
            terms.networkId = 1;
            terms.asset = assets()[k];
            terms.parties = new IRevenueAgreements.Party[](3);
            terms.parties[0] = IRevenueAgreements.Party(_actor(k), 5_000);
            terms.parties[1] = IRevenueAgreements.Party(_actor(k + 1), 3_333);
            terms.parties[2] = IRevenueAgreements.Party(_actor(k + 2), 1_667);
            terms.referralFeeBps = 1_000;
            terms.networkFeeBps = _networks[1].feeBps;
            terms.feeRecipient = _networks[1].feeRecipient;
            terms.validFrom = uint32(block.timestamp);
            terms.validUntil = uint32(block.timestamp + 30 days);
            terms.termsURI = "ipfs://terms";
            _propose(terms.parties[0].account, 0, terms);
            uint256 agreementId = agreementCount;
            (bool ok, bytes memory ret) =
                _callAs(terms.parties[1].account, abi.encodeCall(ecoshare.accept, (agreementId)), 0);
            _outcome("accept", ok, ret, bytes4(0));
            _commitAcceptance(agreementId, terms.parties[1].account);
            IRevenueAgreements.SignedAcceptance[] memory acceptances = new IRevenueAgreements.SignedAcceptance[](1);
            acceptances[0] = _signAcceptance(agreementId, terms.parties[2].account, block.timestamp + 1 days, false);
            (ok, ret) =
                _callAs(_actor(7), abi.encodeCall(ecoshare.acceptWithSignatures, (agreementId, acceptances)), 0);
            _outcome("acceptBySignature", ok, ret, bytes4(0));
            _commitAcceptance(agreementId, terms.parties[2].account);
            _checkAgreement(agreementId);
            vm.assertEq(uint256(_agreements[agreementId].status), uint256(ACTIVE), "bootstrap: agreement not active");
        }
    }

    /// @notice Closes every agreement (by termination, or by letting every window run out) and withdraws every
    /// actor's whole earnings in both assets, checking each payout against the model.
    /// @dev Afterwards Ecoshare must hold nothing, and each actor must have been paid exactly its referral fees,
    /// its final slice of every vendor pool and the network fees it receives: not a wei lost, none misrouted.
    function settleEverything(bool byExpiry) external {
        if (byExpiry) {
            // Past every window and every holdback: everything still held is released.
            uint256 target = block.timestamp;
            for (uint256 id = 1; id <= agreementCount; ++id) {
                if (_agreements[id].validUntil + 1 > target) target = _agreements[id].validUntil + 1;
            }
            for (uint256 i; i < _holds.length; ++i) {
                if (_holds[i].state == HoldState.Held && _holds[i].record.releaseAt > target) {
                    target = _holds[i].record.releaseAt;
                }
            }
            if (target > block.timestamp) vm.warp(target);
        } else {
            for (uint256 id = 1; id <= agreementCount; ++id) {
                IRevenueAgreements.AgreementStatus status = _agreements[id].status;
                if (status == PENDING || status == ACTIVE) {
                    _terminate(id, _agreements[id].parties[0]);
                }
            }
        }
        _settleHeld();
        for (uint256 i; i < ACTOR_COUNT; ++i) {
            for (uint256 k; k < 2; ++k) {
                address account = _actors[i];
                address asset = assets()[k];
                uint256[] memory ids = _entitledIds(account, asset);
                (bytes4 err,) = _predictWithdraw(account, account, asset, ids);
                if (err != 0) continue;
                // The smart wallet cannot take ETH: it sends its ETH to a cold wallet instead.
                if (asset == ETH && account == smartWallet()) {
                    _withdraw(Withdrawal(account, account, COLD_WALLET, asset, ids, true));
                } else {
                    _withdraw(Withdrawal(account, account, account, asset, ids, false));
                }
            }
        }
        _checkSettled();
    }

    /// @dev After settlement: Ecoshare holds nothing, and each actor was paid exactly what it earned.
    function _checkSettled() private view {
        vm.assertEq(address(ecoshare).balance, 0, "settlement: ETH left in Ecoshare after everyone withdrew");
        vm.assertEq(token.balanceOf(address(ecoshare)), 0, "settlement: dUSD left in Ecoshare after everyone withdrew");
        for (uint256 i; i < ACTOR_COUNT; ++i) {
            for (uint256 k; k < 2; ++k) {
                address account = _actors[i];
                address asset = assets()[k];
                vm.assertEq(
                    _ledger[account][asset].withdrawn,
                    _ledger[account][asset].referralCredited + _ledger[account][asset].refunded
                        + ghostMaxEarnings(account, asset),
                    string.concat("settlement: ", vm.toString(account), " was not paid exactly what it earned")
                );
            }
        }
    }

    /// @dev Ends every holdback: refunds (by the refunder) each payment still within its holdback, releases
    /// the others in one batch; afterwards nothing may be held.
    function _settleHeld() private {
        IReferralPayments.HeldPayment[] memory batch = new IReferralPayments.HeldPayment[](_holds.length);
        uint256 n;
        for (uint256 i; i < _holds.length; ++i) {
            IReferralPayments.HeldPayment memory r = _holds[i].record;
            if (_holds[r.holdId - 1].state != HoldState.Held) continue;
            if (block.timestamp < r.releaseAt) {
                vm.assertTrue(
                    _refund(_agreements[r.agreementId].refunder, r, "settleRefund"), "settlement: refund refused"
                );
            } else {
                batch[n] = r;
                ++n;
            }
        }
        if (n != 0) {
            IReferralPayments.HeldPayment[] memory records = new IReferralPayments.HeldPayment[](n);
            for (uint256 i; i < n; ++i) {
                records[i] = batch[i];
            }
            vm.assertTrue(_release(_actor(n), records, "settleRelease"), "settlement: release refused");
        }
        vm.assertEq(_totals[ETH].held + _totals[address(token)].held, 0, "settlement: payments still held");
        for (uint256 id = 1; id <= agreementCount; ++id) {
            vm.assertEq(ecoshare.agreement(id).heldPayments, 0, "settlement: an agreement still holds payments");
        }
    }

    // ================================================================================================
    // Action bodies
    // ================================================================================================

    function _answer(uint256 networkId, address caller, address account, bool admitting) private {
        bytes4 expected = _predictAnswer(networkId, caller, account);
        bytes memory data = admitting
            ? abi.encodeCall(ecoshare.admit, (networkId, account))
            : abi.encodeCall(ecoshare.decline, (networkId, account));
        (bool ok, bytes memory ret) = _callAs(caller, data, 0);
        if (!_outcome(admitting ? bytes32("admit") : bytes32("decline"), ok, ret, expected)) return;

        _commitAnswer(networkId, account, admitting);
        _checkMembership(networkId, account);
    }

    function _moveStatus(
        uint256 networkSeed,
        uint256 callerSeed,
        uint256 accountSeed,
        INetworkRegistry.MemberStatus from,
        INetworkRegistry.MemberStatus to
    ) private {
        uint256 networkId = _pickNetwork(networkSeed);
        address caller = _pickOperatorOrAnyone(networkId, callerSeed);
        address account = _pickMember(networkId, accountSeed, from);

        bytes4 expected = _predictStatusMove(networkId, caller, account, from);
        bool suspending = to == INetworkRegistry.MemberStatus.Suspended;
        bytes memory data = suspending
            ? abi.encodeCall(ecoshare.suspend, (networkId, account))
            : abi.encodeCall(ecoshare.reinstate, (networkId, account));
        (bool ok, bytes memory ret) = _callAs(caller, data, 0);
        if (!_outcome(suspending ? bytes32("suspend") : bytes32("reinstate"), ok, ret, expected)) return;

        _memberStatus[networkId][account] = to;
        _checkMembership(networkId, account);
    }

    function _propose(address proposer, uint256 previousId, IRevenueAgreements.AgreementTerms memory terms) private {
        bytes4 expected = _predictPropose(proposer, previousId, false, terms);
        bytes memory data = previousId == 0
            ? abi.encodeCall(ecoshare.propose, (terms))
            : abi.encodeCall(ecoshare.proposeAmendment, (previousId, terms));
        uint256 countBefore = ecoshare.agreementCount();
        (bool ok, bytes memory ret) = _callAs(proposer, data, 0);
        if (!_outcome(previousId == 0 ? bytes32("propose") : bytes32("amend"), ok, ret, expected)) {
            vm.assertEq(ecoshare.agreementCount(), countBefore, "propose: a refused proposal created an agreement");
            return;
        }

        uint256 agreementId = abi.decode(ret, (uint256));
        uint256 lineageId = previousId == 0 ? 0 : _agreements[previousId].lineageId;
        uint256 modelId = _commitProposal(proposer, previousId, lineageId, terms);
        vm.assertEq(agreementId, modelId, "propose: ids must run from 1");
        _checkAgreement(agreementId);
        if (previousId != 0) _checkAgreement(previousId);
        _checkStoredTerms(agreementId, terms);
    }

    function _checkStoredTerms(uint256 agreementId, IRevenueAgreements.AgreementTerms memory terms) private view {
        vm.assertEq(
            ecoshare.agreement(agreementId).termsDigest,
            _termsDigestOf(terms),
            "propose: stored terms digest is not the EIP-712 hash of the terms"
        );
        IRevenueAgreements.ReferralTier[] memory tiers = ecoshare.referralTiersOf(agreementId);
        vm.assertEq(tiers.length, terms.referralTiers.length, "propose: tier count differs from the terms");
        for (uint256 i; i < tiers.length; ++i) {
            vm.assertEq(tiers[i].fromVolume, terms.referralTiers[i].fromVolume, "propose: tier threshold differs");
            vm.assertEq(tiers[i].feeBps, terms.referralTiers[i].feeBps, "propose: tier rate differs");
        }
    }

    function _terminate(uint256 agreementId, address caller) private {
        bytes4 expected = _predictTerminate(agreementId, caller);
        (bool ok, bytes memory ret) = _callAs(caller, abi.encodeCall(ecoshare.terminate, (agreementId)), 0);
        if (!_outcome("terminate", ok, ret, expected)) return;

        _agreements[agreementId].status = IRevenueAgreements.AgreementStatus.Terminated;
        _checkAgreement(agreementId);
    }

    /// @notice One payment call as the handler makes it: a single payment (one line) or an order.
    struct PaymentCall {
        address payer;
        IReferralPayments.OrderLine[] lines;
        /// As passed to the contract: address(0) means the payer.
        address refundTo;
        uint256 value;
        bytes32 orderRef;
        bytes32 action;
        bool isOrder;
        /// What must fail before any line is split (value, permit, allowance), or 0.
        bytes4 fundingError;
        bytes call;
    }

    /// @notice The contract's state before a payment call, per line where it is per agreement or referrer.
    struct PaymentBefore {
        uint256[2] holdings;
        uint256[] vendorPools;
        uint256[] networkFees;
        uint256[] referrerBalances;
        bool[] openBefore;
    }

    /// @notice One line as the model split it, with the tier it paid at.
    struct LineSplit {
        uint256 networkFee;
        uint256 referralFee;
        uint256 vendorShare;
        uint256 tier;
        uint256 rate;
        uint256 volumeBefore;
        bool tiered;
        bool held;
    }

    function _pay(
        address asset,
        uint256 agreementSeed,
        uint256 payerSeed,
        uint256 amountSeed,
        uint256 referrerSeed,
        bool withPermit
    ) private {
        PaymentCall memory c;
        c.payer = _actor(payerSeed);
        c.lines = new IReferralPayments.OrderLine[](1);
        uint256 agreementId = _pickOpenAgreement(agreementSeed, asset);
        c.lines[0] = IReferralPayments.OrderLine({
            agreementId: agreementId,
            asset: asset,
            amount: _draftAmount(asset, amountSeed),
            referrer: _pickReferrer(agreementId, c.payer, referrerSeed)
        });
        c.refundTo = _draftRefundTo(c.payer, _rand(referrerSeed, 50));
        c.orderRef = keccak256(abi.encode(agreementId, c.lines[0].amount, block.timestamp));
        // Now and then a wallet sends one wei too many (never to payWithPermit, which is not payable).
        uint256 excess = !withPermit && _chance(amountSeed, 7, 64) ? 1 : 0;
        c.value = (asset == ETH ? c.lines[0].amount : 0) + excess;
        c.action = withPermit ? bytes32("payWithPermit") : asset == ETH ? bytes32("payEth") : bytes32("payToken");
        // Now and then a permit payment names ETH, which has no permits.
        if (withPermit && _chance(amountSeed, 9, 32)) c.lines[0].asset = ETH;
        c.call = _fundPayment(c, withPermit);
        _executePayment(c);
    }

    /// @dev The refund recipient a payment names: half the time none (the payer), else the payer itself or
    /// another actor (a customer paid for by someone else).
    function _draftRefundTo(address payer, uint256 seed) private view returns (address) {
        uint256 pick = seed % 4;
        if (pick < 2) return address(0);
        if (pick == 2) return payer;
        return _actor(_rand(seed, 1));
    }

    /// @dev Makes the call, then checks it against the model: the exact error when it had to fail (and nothing
    /// moved), else every line's split, credits, held record and events, in order.
    function _executePayment(PaymentCall memory c) private {
        bytes4 expected = c.fundingError != 0 ? c.fundingError : _predictLines(c.payer, c.refundTo, c.lines);
        PaymentBefore memory before = _paymentState(c.lines);
        vm.recordLogs();
        (bool ok, bytes memory ret) = _callAs(c.payer, c.call, c.value);
        IVm.Log[] memory logs = vm.getRecordedLogs();
        // The ghost window check: whatever the model says, a payment the contract took must have found each
        // line's agreement active and inside its window, by the contract's own view just before the call.
        for (uint256 i; ok && i < c.lines.length; ++i) {
            vm.assertTrue(before.openBefore[i], "pay: an agreement took a payment while not active or outside its window");
        }
        if (!_outcome(c.action, ok, ret, expected)) {
            vm.assertEq(_holdings(ETH), before.holdings[0], "pay: a refused payment moved ETH");
            vm.assertEq(_holdings(address(token)), before.holdings[1], "pay: a refused payment moved dUSD");
            return;
        }
        if (c.isOrder) _count(c.lines.length > 1 ? bytes32("payOrder:multiLine") : bytes32("payOrder:oneLine"), true);

        uint256 cursor = _ecoshareLog(logs, 0);
        if (c.isOrder) cursor = _checkOrderEvent(c, logs, cursor);
        LineSplit[] memory splits = new LineSplit[](c.lines.length);
        for (uint256 i; i < c.lines.length; ++i) {
            (splits[i], cursor) = _commitLine(c, i, logs, cursor);
        }
        vm.assertEq(cursor, logs.length, "pay: events after the last line");
        _checkPaymentCredits(c, before, splits);
    }

    /// @dev OrderPaid comes first and names the payer, the reference, the line count and the effective refund
    /// recipient. Returns the position of the next Ecoshare event.
    function _checkOrderEvent(PaymentCall memory c, IVm.Log[] memory logs, uint256 cursor) private view returns (uint256) {
        vm.assertTrue(cursor < logs.length, "payOrder: no OrderPaid event");
        IVm.Log memory log = logs[cursor];
        vm.assertEq(log.topics[0], IReferralPayments.OrderPaid.selector, "payOrder: OrderPaid must come first");
        vm.assertEq(address(uint160(uint256(log.topics[1]))), c.payer, "OrderPaid: payer");
        vm.assertEq(log.topics[2], c.orderRef, "OrderPaid: order ref");
        (uint256 lineCount, address refundTo) = abi.decode(log.data, (uint256, address));
        vm.assertEq(lineCount, c.lines.length, "OrderPaid: line count");
        vm.assertEq(refundTo, _effectiveRefundTo(c), "OrderPaid: refund recipient");
        return _ecoshareLog(logs, cursor + 1);
    }

    function _effectiveRefundTo(PaymentCall memory c) private pure returns (address) {
        return c.refundTo == address(0) ? c.payer : c.refundTo;
    }

    /// @dev Commits line `i` to the model (after the lines before it, as the contract splits them) and checks
    /// its events at `cursor`: [ReferralTierApplied] PaymentSplit [PaymentHeld]. Returns the split and the
    /// position of the next Ecoshare event.
    function _commitLine(PaymentCall memory c, uint256 i, IVm.Log[] memory logs, uint256 cursor)
        private
        returns (LineSplit memory split, uint256)
    {
        split = _splitLine(c.lines[i]);
        return (split, _checkLineEvents(c, c.lines[i], split, logs, cursor));
    }

    /// @dev The model's split of `line` at the tier its referrer has earned so far, committed.
    function _splitLine(IReferralPayments.OrderLine memory line) private returns (LineSplit memory split) {
        GhostAgreement storage g = _agreements[line.agreementId];
        (split.tier, split.rate) = _tierOf(line.agreementId, line.referrer);
        split.volumeBefore = _lineages[g.lineageId].referredVolume[line.referrer];
        split.tiered = line.referrer != address(0) && g.tiers.length != 0;
        split.held = g.holdbackPeriod != 0;
        (split.networkFee, split.referralFee, split.vendorShare) = _commitPayment(line.agreementId, line.amount, line.referrer);
        vm.assertEq(split.networkFee + split.referralFee + split.vendorShare, line.amount, "pay: split does not add up to the payment");
        vm.assertLe(split.networkFee * BPS, line.amount * g.networkFeeBps, "pay: network fee above its rate");
        vm.assertLe(split.referralFee * BPS, line.amount * split.rate, "pay: referral fee above its tier's rate");
    }

    function _checkLineEvents(
        PaymentCall memory c,
        IReferralPayments.OrderLine memory line,
        LineSplit memory split,
        IVm.Log[] memory logs,
        uint256 cursor
    ) private returns (uint256) {
        if (split.tiered) {
            vm.assertTrue(cursor < logs.length, "pay: no ReferralTierApplied event for a tiered payment");
            _checkTierEvent(logs[cursor], line, split);
            cursor = _ecoshareLog(logs, cursor + 1);
        }
        vm.assertTrue(cursor < logs.length, "pay: no PaymentSplit event");
        _checkPaymentEvent(logs[cursor], c, line);
        cursor = _ecoshareLog(logs, cursor + 1);
        if (split.held) {
            vm.assertTrue(cursor < logs.length, "pay: no PaymentHeld event for a payment under holdback");
            _checkHeldRecord(c, line, split, logs[cursor], _agreements[line.agreementId].holdbackPeriod);
            cursor = _ecoshareLog(logs, cursor + 1);
        }
        return cursor;
    }

    /// @dev The contract moved exactly what the lines' splits say: each agreement's running totals by its
    /// credited (unheld) lines, each referrer's balance by its credited referral fees, the holdings by every
    /// line; the held counts and the referrers' earned volumes are the model's.
    function _checkPaymentCredits(PaymentCall memory c, PaymentBefore memory before, LineSplit[] memory splits)
        private
        view
    {
        uint256[2] memory paid;
        for (uint256 i; i < c.lines.length; ++i) {
            IReferralPayments.OrderLine memory line = c.lines[i];
            paid[line.asset == ETH ? 0 : 1] += line.amount;
            uint256 poolGrowth;
            uint256 feeGrowth;
            uint256 referralGrowth;
            for (uint256 j; j < c.lines.length; ++j) {
                if (splits[j].held) continue;
                if (c.lines[j].agreementId == line.agreementId) {
                    poolGrowth += splits[j].vendorShare;
                    feeGrowth += splits[j].networkFee;
                }
                if (c.lines[j].referrer == line.referrer && c.lines[j].asset == line.asset) {
                    referralGrowth += splits[j].referralFee;
                }
            }
            IRevenueAgreements.AgreementView memory a = ecoshare.agreement(line.agreementId);
            vm.assertEq(a.vendorPool - before.vendorPools[i], poolGrowth, "pay: vendor pool grew wrongly");
            vm.assertEq(a.networkFees - before.networkFees[i], feeGrowth, "pay: network fees grew wrongly");
            vm.assertEq(a.heldPayments, _agreements[line.agreementId].heldPayments, "pay: held count differs");
            if (line.referrer != address(0)) {
                vm.assertEq(
                    ecoshare.balanceOf(line.referrer, line.asset) - before.referrerBalances[i],
                    referralGrowth,
                    "pay: referrer credited wrongly"
                );
                (uint256 volume,,) = ecoshare.referredVolume(line.agreementId, line.referrer);
                vm.assertEq(
                    volume,
                    _lineages[_agreements[line.agreementId].lineageId].referredVolume[line.referrer],
                    "pay: earned volume differs from the model (held payments count on release only)"
                );
            }
        }
        vm.assertEq(_holdings(ETH) - before.holdings[0], paid[0], "pay: Ecoshare did not receive the exact ETH");
        vm.assertEq(_holdings(address(token)) - before.holdings[1], paid[1], "pay: Ecoshare did not receive the exact dUSD");
    }

    /// @dev The PaymentHeld record is exactly the line, the model's split and the effective refund recipient,
    /// due a holdback from now; the handler keeps it (from the event) for releases and refunds.
    function _checkHeldRecord(
        PaymentCall memory c,
        IReferralPayments.OrderLine memory line,
        LineSplit memory split,
        IVm.Log memory log,
        uint32 period
    ) private {
        IReferralPayments.HeldPayment memory expected = IReferralPayments.HeldPayment({
            holdId: _holds.length + 1,
            agreementId: line.agreementId,
            payer: c.payer,
            referrer: line.referrer,
            asset: line.asset,
            amount: line.amount,
            networkFee: split.networkFee,
            referralFee: split.referralFee,
            vendorShare: split.vendorShare,
            releaseAt: uint40(block.timestamp + period),
            refundTo: _effectiveRefundTo(c)
        });
        vm.assertEq(log.topics[0], IReferralPayments.PaymentHeld.selector, "pay: PaymentHeld must follow PaymentSplit");
        IReferralPayments.HeldPayment memory recorded = abi.decode(log.data, (IReferralPayments.HeldPayment));
        vm.assertEq(uint256(log.topics[1]), recorded.holdId, "PaymentHeld: hold id topic");
        vm.assertEq(uint256(log.topics[2]), recorded.agreementId, "PaymentHeld: agreement id topic");
        vm.assertEq(keccak256(abi.encode(recorded)), keccak256(abi.encode(expected)), "pay: PaymentHeld record differs");
        _commitHold(recorded);
        _count(c.refundTo == address(0) || c.refundTo == c.payer ? bytes32("payHeld") : bytes32("payHeld:refundToOther"), true);
    }

    function _checkTierEvent(IVm.Log memory log, IReferralPayments.OrderLine memory line, LineSplit memory split) private {
        _count(split.tier == 0 ? bytes32("payTier0") : bytes32("payTierAbove0"), true);
        vm.assertEq(log.topics[0], IReferralPayments.ReferralTierApplied.selector, "pay: ReferralTierApplied first");
        vm.assertEq(uint256(log.topics[1]), line.agreementId, "ReferralTierApplied: agreement id");
        vm.assertEq(address(uint160(uint256(log.topics[2]))), line.referrer, "ReferralTierApplied: referrer");
        (uint8 t, uint16 feeBps, uint256 volume) = abi.decode(log.data, (uint8, uint16, uint256));
        vm.assertEq(t, split.tier, "ReferralTierApplied: tier differs from the model");
        vm.assertEq(feeBps, split.rate, "ReferralTierApplied: rate differs from the model");
        vm.assertEq(volume, split.volumeBefore, "ReferralTierApplied: volume before differs from the model");
    }

    /// @dev PaymentSplit names the line's agreement, payer, referrer, amount and the call's order reference.
    function _checkPaymentEvent(IVm.Log memory log, PaymentCall memory c, IReferralPayments.OrderLine memory line)
        private
        pure
    {
        vm.assertEq(log.topics[0], IReferralPayments.PaymentSplit.selector, "pay: PaymentSplit expected");
        vm.assertEq(uint256(log.topics[1]), line.agreementId, "PaymentSplit: agreement id");
        vm.assertEq(address(uint160(uint256(log.topics[2]))), c.payer, "PaymentSplit: payer");
        vm.assertEq(address(uint160(uint256(log.topics[3]))), line.referrer, "PaymentSplit: referrer");
        (uint256 amount, bytes32 orderRef) = abi.decode(log.data, (uint256, bytes32));
        vm.assertEq(amount, line.amount, "PaymentSplit: amount");
        vm.assertEq(orderRef, c.orderRef, "PaymentSplit: order ref");
    }

    /// @dev The position of the first event at or after `from` that Ecoshare emitted (the token's own Transfer
    /// and Approval events are skipped), or `logs.length`.
    function _ecoshareLog(IVm.Log[] memory logs, uint256 from) private view returns (uint256 i) {
        for (i = from; i < logs.length; ++i) {
            if (logs[i].emitter == address(ecoshare)) return i;
        }
    }

    struct ReleaseCheck {
        uint256 vendorPool;
        uint256 networkFees;
        uint256 referrerBalance;
        uint256 volume;
    }

    function _release(address caller, IReferralPayments.HeldPayment[] memory records, bytes32 action)
        private
        returns (bool)
    {
        (bytes4 expected, bool[] memory skipped) = _predictRelease(records);
        ReleaseCheck[] memory before = new ReleaseCheck[](records.length);
        for (uint256 i; i < records.length; ++i) {
            IReferralPayments.HeldPayment memory r = records[i];
            if (_agreementExists(r.agreementId)) {
                IRevenueAgreements.AgreementView memory a = ecoshare.agreement(r.agreementId);
                before[i].vendorPool = a.vendorPool;
                before[i].networkFees = a.networkFees;
                (before[i].volume,,) = ecoshare.referredVolume(r.agreementId, r.referrer);
            }
            before[i].referrerBalance = ecoshare.balanceOf(r.referrer, r.asset);
        }
        uint256[2] memory holdingsBefore = [_holdings(ETH), _holdings(address(token))];
        vm.recordLogs();
        (bool ok, bytes memory ret) = _callAs(caller, abi.encodeCall(ecoshare.releaseHeldPayments, (records)), 0);
        IVm.Log[] memory logs = vm.getRecordedLogs();
        if (!_outcome(action, ok, ret, expected)) return false;

        // One HeldPaymentReleased per record released, in order; none for the records skipped.
        uint256 n;
        for (uint256 i; i < records.length; ++i) {
            if (skipped[i]) {
                _count("releaseHeld:skipped", true);
                continue;
            }
            while (n < logs.length && logs[n].topics[0] != IReferralPayments.HeldPaymentReleased.selector) ++n;
            vm.assertTrue(n < logs.length, "release: no HeldPaymentReleased for a released record");
            vm.assertEq(uint256(logs[n].topics[1]), records[i].holdId, "HeldPaymentReleased: hold id");
            vm.assertEq(uint256(logs[n].topics[2]), records[i].agreementId, "HeldPaymentReleased: agreement id");
            _holds[records[i].holdId - 1].releasedSeen = true;
            _commitRelease(records[i]);
            ++n;
        }
        while (n < logs.length && logs[n].topics[0] != IReferralPayments.HeldPaymentReleased.selector) ++n;
        vm.assertEq(n, logs.length, "release: an event for a skipped record");
        _checkReleaseCredits(records, skipped, before);
        vm.assertEq(_holdings(ETH), holdingsBefore[0], "release: ETH holdings moved");
        vm.assertEq(_holdings(address(token)), holdingsBefore[1], "release: dUSD holdings moved");
        return true;
    }

    /// @dev Each agreement and referrer gained exactly the recorded parts of the records released naming it (the
    /// skipped ones add nothing), and each referrer's tiered volume grew by their amounts: earned on release.
    function _checkReleaseCredits(
        IReferralPayments.HeldPayment[] memory records,
        bool[] memory skipped,
        ReleaseCheck[] memory before
    ) private view {
        for (uint256 i; i < records.length; ++i) {
            IReferralPayments.HeldPayment memory r = records[i];
            uint256 poolGrowth;
            uint256 feeGrowth;
            uint256 referralGrowth;
            uint256 volumeGrowth;
            for (uint256 j; j < records.length; ++j) {
                if (skipped[j]) continue;
                IReferralPayments.HeldPayment memory o = records[j];
                if (o.agreementId == r.agreementId) {
                    poolGrowth += o.vendorShare;
                    feeGrowth += o.networkFee;
                }
                if (o.referrer == r.referrer && o.asset == r.asset) referralGrowth += o.referralFee;
                bool tiered = o.referrer != address(0) && _agreements[o.agreementId].tiers.length != 0;
                if (tiered && o.referrer == r.referrer && _sameLineage(o.agreementId, r.agreementId)) {
                    volumeGrowth += o.amount;
                }
            }
            if (!_agreementExists(r.agreementId)) continue;
            IRevenueAgreements.AgreementView memory a = ecoshare.agreement(r.agreementId);
            vm.assertEq(a.vendorPool - before[i].vendorPool, poolGrowth, "release: vendor pool != recorded shares");
            vm.assertEq(a.networkFees - before[i].networkFees, feeGrowth, "release: network fees != recorded fees");
            vm.assertEq(
                ecoshare.balanceOf(r.referrer, r.asset) - before[i].referrerBalance,
                r.referrer == address(0) ? 0 : referralGrowth,
                "release: referrer credited another amount than its recorded fees"
            );
            (uint256 volume,,) = ecoshare.referredVolume(r.agreementId, r.referrer);
            vm.assertEq(volume - before[i].volume, volumeGrowth, "release: earned volume did not grow by the amounts");
            _checkAgreement(r.agreementId);
        }
    }

    function _sameLineage(uint256 a, uint256 b) private view returns (bool) {
        return _agreements[a].lineageId == _agreements[b].lineageId;
    }

    /// @dev A refund credits the whole amount to the record's refund recipient (not necessarily the payer), moves
    /// no holdings, no running total and no earned volume.
    function _refund(address caller, IReferralPayments.HeldPayment memory r, bytes32 action) private returns (bool) {
        bytes4 expected = _predictRefund(r, caller);
        uint256 recipientBefore = ecoshare.balanceOf(r.refundTo, r.asset);
        uint256 payerBefore = ecoshare.balanceOf(r.payer, r.asset);
        uint256 holdingsBefore = _holdings(r.asset);
        IRevenueAgreements.AgreementView memory a;
        uint256 volumeBefore;
        if (_agreementExists(r.agreementId)) {
            a = ecoshare.agreement(r.agreementId);
            (volumeBefore,,) = ecoshare.referredVolume(r.agreementId, r.referrer);
        }
        vm.recordLogs();
        (bool ok, bytes memory ret) = _callAs(caller, abi.encodeCall(ecoshare.refundHeldPayment, (r)), 0);
        IVm.Log[] memory logs = vm.getRecordedLogs();
        if (!_outcome(action, ok, ret, expected)) return false;

        _commitRefund(r);
        _count(r.refundTo == r.payer ? bytes32("refund:toPayer") : bytes32("refund:toOther"), true);
        vm.assertEq(
            ecoshare.balanceOf(r.refundTo, r.asset) - recipientBefore, r.amount, "refund: refundTo not credited the amount"
        );
        if (r.refundTo != r.payer) {
            vm.assertEq(ecoshare.balanceOf(r.payer, r.asset), payerBefore, "refund: the payer was credited, not refundTo");
        }
        vm.assertEq(_holdings(r.asset), holdingsBefore, "refund: holdings moved");
        IRevenueAgreements.AgreementView memory after_ = ecoshare.agreement(r.agreementId);
        vm.assertEq(after_.vendorPool, a.vendorPool, "refund: vendor pool moved");
        vm.assertEq(after_.networkFees, a.networkFees, "refund: network fees moved");
        (uint256 volume,,) = ecoshare.referredVolume(r.agreementId, r.referrer);
        vm.assertEq(volume, volumeBefore, "refund: earned volume moved (a held payment never counted)");
        vm.assertEq(logs.length, 1, "refund: one event");
        vm.assertEq(logs[0].topics[0], IReferralPayments.HeldPaymentRefunded.selector, "refund: HeldPaymentRefunded");
        vm.assertEq(uint256(logs[0].topics[1]), r.holdId, "HeldPaymentRefunded: hold id");
        vm.assertEq(uint256(logs[0].topics[2]), r.agreementId, "HeldPaymentRefunded: agreement id");
        vm.assertEq(address(uint160(uint256(logs[0].topics[3]))), r.refundTo, "HeldPaymentRefunded: refundTo");
        vm.assertEq(abi.decode(logs[0].data, (uint256)), r.amount, "HeldPaymentRefunded: amount");
        _holds[r.holdId - 1].refundedSeen = true;
        _checkAgreement(r.agreementId);
        return true;
    }

    /// @dev Mostly a payment still held that can be released now (`releasable`) or refunded now; else any
    /// record ever held (maybe released or refunded already); with none yet, a record that never existed.
    function _pickHeld(uint256 seed, bool releasable) private view returns (IReferralPayments.HeldPayment memory r) {
        uint256 count = _holds.length;
        if (count == 0) {
            return IReferralPayments.HeldPayment(
                1,
                1 + seed % (agreementCount + 1),
                _actor(seed),
                address(0),
                ETH,
                1,
                0,
                0,
                1,
                uint40(block.timestamp),
                _actor(seed)
            );
        }
        uint256 start = seed % count;
        if (!_chance(seed, 31, 4)) {
            for (uint256 i; i < count; ++i) {
                IReferralPayments.HeldPayment storage c = _holds[(start + i) % count].record;
                if (_holds[c.holdId - 1].state != HoldState.Held) continue;
                if ((block.timestamp >= c.releaseAt) == releasable) return c;
            }
        }
        return _holds[start].record;
    }

    struct Withdrawal {
        address caller;
        address account;
        address recipient;
        address asset;
        uint256[] ids;
        bool viaWithdrawTo;
    }

    function _withdraw(Withdrawal memory w) private {
        (bytes4 expected, uint256 amount) = _predictWithdraw(w.account, w.recipient, w.asset, w.ids);
        if (expected == 0 && w.asset == ETH && (w.recipient == address(refuser) || w.recipient == smartWallet())) {
            expected = IReferralPayments.NativeTransferFailed.selector;
        }
        // The contract's view of what each agreement owes must be the model's.
        for (uint256 i; i < w.ids.length; ++i) {
            if (!_agreementExists(w.ids[i])) continue;
            (uint256 partyShare, uint256 fee) = ghostOwed(w.ids[i], w.account);
            vm.assertEq(
                ecoshare.collectable(w.ids[i], w.account), partyShare + fee, "collectable differs from the model"
            );
        }
        bytes memory data = w.viaWithdrawTo
            ? abi.encodeCall(ecoshare.withdrawTo, (w.recipient, w.asset, w.ids))
            : abi.encodeCall(ecoshare.withdraw, (w.account, w.asset, w.ids));
        uint256 holdingsBefore = _holdings(w.asset);
        uint256 recipientBefore = _balanceOfAsset(w.asset, w.recipient);
        (bool ok, bytes memory ret) = _callAs(w.caller, data, 0);
        if (!_outcome(w.viaWithdrawTo ? bytes32("withdrawTo") : bytes32("withdraw"), ok, ret, expected)) return;

        vm.assertEq(abi.decode(ret, (uint256)), amount, "withdraw: paid out another amount than the model's");
        vm.assertEq(
            _balanceOfAsset(w.asset, w.recipient) - recipientBefore, amount, "withdraw: recipient got another amount"
        );
        vm.assertEq(holdingsBefore - _holdings(w.asset), amount, "withdraw: holdings fell by another amount");
        vm.assertEq(ecoshare.balanceOf(w.account, w.asset), 0, "withdraw: balance left after withdrawing it all");
        _commitWithdrawal(w.account, w.asset, w.ids, amount);
        for (uint256 i; i < w.ids.length; ++i) {
            vm.assertEq(ecoshare.collectable(w.ids[i], w.account), 0, "withdraw: earnings left uncollected");
        }
    }

    // ================================================================================================
    // Drafting inputs
    // ================================================================================================

    function _draftFeeTerms(uint256 recipientSeed, uint256 feeSeed) private view returns (address, uint16) {
        address feeRecipient = _chance(recipientSeed, 1, 32) ? address(0) : _actor(recipientSeed);
        uint256 pick = _rand(feeSeed, 0) % 16;
        uint256 feeBps = pick == 0
            ? _bound(feeSeed, MAX_NETWORK_FEE_BPS + 1, type(uint16).max)
            : pick == 1 ? 0 : pick == 2 ? MAX_NETWORK_FEE_BPS : _bound(feeSeed, 0, MAX_NETWORK_FEE_BPS);
        return (feeRecipient, uint16(feeBps));
    }

    /// @dev Terms for `networkId`: mostly valid (the network's current fee terms, a fee and window in range),
    /// now and then wrong in one way the model predicts.
    function _draftTerms(
        uint256 networkId,
        address[] memory mustInclude,
        uint256 partySeed,
        uint256 shareSeed,
        uint256 feeSeed,
        uint256 windowSeed
    ) private view returns (IRevenueAgreements.AgreementTerms memory t) {
        t.networkId = networkId;
        t.asset = _chance(feeSeed, 1, 2) ? ETH : address(token);
        t.parties = _draftParties(networkId, mustInclude, partySeed, shareSeed);
        uint256 pick = _rand(feeSeed, 1) % 16;
        t.referralFeeBps = uint16(
            pick == 0
                ? _bound(feeSeed, MAX_REFERRAL_FEE_BPS + 1, type(uint16).max)
                : pick == 1 ? 0 : pick == 2 ? MAX_REFERRAL_FEE_BPS : _bound(feeSeed, 0, MAX_REFERRAL_FEE_BPS)
        );
        t.networkFeeBps = _networks[networkId].feeBps;
        t.feeRecipient = _networks[networkId].feeRecipient;
        if (_chance(feeSeed, 3, 32)) t.networkFeeBps = uint16((t.networkFeeBps + 1) % (MAX_NETWORK_FEE_BPS + 1));
        if (_chance(feeSeed, 4, 32)) t.feeRecipient = _actor(feeSeed);
        if (t.feeRecipient == address(0)) t.feeRecipient = _actor(feeSeed); // unknown network: anything goes
        (t.validFrom, t.validUntil) = _draftWindow(windowSeed);
        t.termsHash = keccak256(abi.encode(partySeed, shareSeed));
        t.termsURI = "ipfs://terms";
        t.referralTiers = _draftTiers(t.asset, _rand(feeSeed, 20));
        t.referrerRoles = _draftReferrerRoles(_rand(feeSeed, 21));
        (t.holdbackPeriod, t.refunder) = _draftHoldback(t.parties, _rand(windowSeed, 20));
    }

    /// @dev 0 to 3 tiers above the base rate, thresholds strictly ascending over the orders of magnitude the
    /// payments reach, rates up to the cap; one time in 32 a threshold repeats or a rate exceeds the cap.
    function _draftTiers(address asset, uint256 seed)
        private
        pure
        returns (IRevenueAgreements.ReferralTier[] memory tiers)
    {
        tiers = new IRevenueAgreements.ReferralTier[](seed % 4);
        uint256 maxExponent = asset == ETH ? 22 : 13;
        uint256 from;
        for (uint256 i; i < tiers.length; ++i) {
            uint256 r = _rand(seed, i);
            // Mostly low thresholds, so that runs reach the tiers above the base rate; now and then huge ones.
            uint256 exponent = _chance(r, 4, 4) ? r % (maxExponent + 1) : r % (maxExponent / 2);
            from += 1 + _rand(r, 1) % (10 ** exponent);
            uint256 pick = _rand(r, 2) % 8;
            uint256 feeBps = pick == 0 ? 0 : pick == 1 ? MAX_REFERRAL_FEE_BPS : _rand(r, 3) % (MAX_REFERRAL_FEE_BPS + 1);
            tiers[i] = IRevenueAgreements.ReferralTier({fromVolume: uint128(from), feeBps: uint16(feeBps)});
        }
        if (tiers.length != 0 && _chance(seed, 1, 32)) {
            uint256 i = _rand(seed, 9) % tiers.length;
            if (_chance(seed, 2, 2)) tiers[i].feeBps = MAX_REFERRAL_FEE_BPS + 1;
            else tiers[i].fromVolume = i == 0 ? 0 : tiers[i - 1].fromVolume;
        }
    }

    /// @dev Half the time any active member may refer (0), else a non-empty set of the three roles; one time in
    /// 32 a bit for a role that does not exist (InvalidReferrerRoles).
    function _draftReferrerRoles(uint256 seed) private pure returns (uint8) {
        if (_chance(seed, 1, 32)) return uint8(8 + seed % 248);
        if (_chance(seed, 2, 2)) return 0;
        return uint8(1 + seed % 7);
    }

    /// @dev Half the time no holdback, else a minute to three days with a random party as refunder; one time in
    /// 32 the pair is wrong (too long, no refunder, a refunder without holdback, or one that is no party).
    function _draftHoldback(IRevenueAgreements.Party[] memory parties, uint256 seed)
        private
        view
        returns (uint32 period, address refunder)
    {
        if (_chance(seed, 1, 2)) {
            period = uint32(_bound(_rand(seed, 2), 1 minutes, _chance(seed, 8, 2) ? 6 hours : 3 days));
            refunder = parties[_rand(seed, 3) % parties.length].account;
        }
        if (_chance(seed, 4, 32)) {
            uint256 fault = _rand(seed, 5) % 4;
            if (fault == 0) period = MAX_HOLDBACK_PERIOD + 1 + uint32(_rand(seed, 6) % 1 days);
            if (fault == 1) refunder = address(0);
            if (fault == 2) refunder = _actor(_rand(seed, 7));
            if (fault == 3) (period, refunder) = (0, parties[0].account);
        }
    }

    /// @dev Windows that start in the past or the future and last an hour to two months; now and then an empty
    /// or already-over one.
    function _draftWindow(uint256 seed) private view returns (uint32 validFrom, uint32 validUntil) {
        uint256 from = _chance(seed, 1, 2)
            ? block.timestamp - _bound(_rand(seed, 1), 0, 10 days)
            : block.timestamp + _bound(_rand(seed, 1), 0, 5 days);
        uint256 until = from + _bound(_rand(seed, 2), 1 hours, 60 days);
        uint256 pick = _rand(seed, 3) % 32;
        if (pick == 0) until = from; // empty
        if (pick == 1) (from, until) = (block.timestamp - 2 days, block.timestamp); // already over
        if (pick == 2) until = block.timestamp + 1; // closes a second from now
        if (from >= until && pick > 1) from = until - 1;
        return (uint32(from), uint32(until));
    }

    /// @dev 1 to 6 parties including `mustInclude`, mostly active members of the network, in shuffled order,
    /// with random shares summing to 10,000 (zero shares included). Now and then one drawn from all actors, a
    /// duplicate, a share sum one off, or (for an amendment) a party of the old version left out.
    function _draftParties(uint256 networkId, address[] memory mustInclude, uint256 partySeed, uint256 shareSeed)
        private
        view
        returns (IRevenueAgreements.Party[] memory parties)
    {
        address[] memory accounts = new address[](MAX_DRAFTED_PARTIES + 1);
        uint256 n;
        uint256 dropped = type(uint256).max;
        if (mustInclude.length != 0 && _chance(partySeed, 1, 16)) dropped = partySeed % mustInclude.length;
        for (uint256 i; i < mustInclude.length; ++i) {
            if (i != dropped) n = _appendAccount(accounts, n, mustInclude[i]);
        }
        uint256 target = 1 + _rand(partySeed, 1) % MAX_DRAFTED_PARTIES;
        bool anyActor = _chance(partySeed, 2, 8);
        for (uint256 i; i < ACTOR_COUNT && n < target; ++i) {
            address candidate = _actorAt(partySeed, i);
            if (!anyActor && !_isActive(networkId, candidate)) continue;
            if (!_containsAccount(accounts, n, candidate)) n = _appendAccount(accounts, n, candidate);
        }
        if (n == 0) n = _appendAccount(accounts, n, _actor(partySeed));
        if (_chance(partySeed, 3, 32)) n = _appendAccount(accounts, n, accounts[0]); // duplicate

        parties = new IRevenueAgreements.Party[](n);
        uint16[] memory shares = _draftShares(n, shareSeed);
        uint256 offset = _rand(partySeed, 4) % n;
        for (uint256 i; i < n; ++i) {
            parties[i] = IRevenueAgreements.Party({account: accounts[(i + offset) % n], shareBps: shares[i]});
        }
    }

    /// @dev `n` shares summing to 10,000: the gaps between n - 1 sorted random cuts, a fifth of which repeat the
    /// previous cut (a zero share). One time in 32 the sum is off by one.
    function _draftShares(uint256 n, uint256 seed) private pure returns (uint16[] memory shares) {
        uint256[] memory cuts = new uint256[](n + 1);
        cuts[n] = BPS;
        for (uint256 i = 1; i < n; ++i) {
            uint256 r = _rand(seed, i);
            cuts[i] = r % 5 == 0 ? cuts[i - 1] : (r >> 8) % (BPS + 1);
        }
        for (uint256 i = 1; i < n; ++i) {
            for (uint256 j = i + 1; j < n; ++j) {
                if (cuts[j] < cuts[i]) (cuts[i], cuts[j]) = (cuts[j], cuts[i]);
            }
        }
        shares = new uint16[](n);
        for (uint256 i; i < n; ++i) {
            shares[i] = uint16(cuts[i + 1] - cuts[i]);
        }
        if (_chance(seed, 5, 32)) {
            shares[n - 1] = shares[n - 1] == 0 ? 1 : shares[n - 1] - 1;
        }
    }

    /// @dev Amounts from 1 wei to a million ETH (or a billion dUSD), spread over the orders of magnitude so
    /// that rounding at small amounts is exercised as much as large sums; now and then zero, and now and then
    /// a token amount near the running totals' caps (2^104 for network fees, 2^112 for vendor pools).
    /// Held payments get them too: the contract must refuse one whose later release would not fit the totals.
    function _draftAmount(address asset, uint256 seed) private pure returns (uint256) {
        if (_chance(seed, 6, 64)) return 0;
        // Token amounts near the caps: one or two of them overflow an agreement's running totals.
        if (asset != ETH && _chance(seed, 8, 64)) {
            return _chance(seed, 10, 2) ? _bound(seed, 2 ** 110, 2 ** 112 - 1) : _bound(seed, 2 ** 104, 2 ** 106);
        }
        uint256 maxExponent = asset == ETH ? 24 : 15;
        uint256 exponent = _rand(seed, 1) % (maxExponent + 1);
        return 1 + _rand(seed, 2) % (10 ** exponent);
    }

    /// @dev The agreements `account` may collect from in `asset`, mostly a random subset of them; now and then
    /// with a repeated id or an unrelated one (which the contract must refuse, or pay nothing twice for).
    function _draftIds(address account, address asset, uint256 seed) private view returns (uint256[] memory ids) {
        uint256[] memory entitled = _entitledIds(account, asset);
        ids = new uint256[](entitled.length + 2);
        uint256 n;
        bool all = _chance(seed, 1, 2);
        for (uint256 i; i < entitled.length; ++i) {
            if (all || _rand(seed, 10 + i) % 2 == 0) n = _appendId(ids, n, entitled[i]);
        }
        if (n != 0 && _chance(seed, 2, 8)) n = _appendId(ids, n, ids[0]);
        if (_chance(seed, 3, 8)) n = _appendId(ids, n, 1 + _rand(seed, 4) % (agreementCount + 1));
        return _firstIds(ids, n);
    }

    function _entitledIds(address account, address asset) private view returns (uint256[] memory ids) {
        ids = new uint256[](agreementCount);
        uint256 n;
        for (uint256 id = 1; id <= agreementCount; ++id) {
            if (
                _agreements[id].asset == asset
                    && (_positions[id][account].isParty || _agreements[id].feeRecipient == account)
            ) n = _appendId(ids, n, id);
        }
        return _firstIds(ids, n);
    }

    /// @dev Makes sure the payer can pay and returns the call to make: ETH comes with the call, tokens are
    /// minted to the payer and approved, or authorised by an EIP-2612 permit signed with the payer's key. Sets
    /// what must fail before the line is split: the value, a permit naming ETH, an allowance the permit could
    /// not give (the smart wallet cannot sign one, so the allowance decides).
    function _fundPayment(PaymentCall memory c, bool withPermit) private returns (bytes memory) {
        IReferralPayments.OrderLine memory line = c.lines[0];
        if (withPermit && line.asset == ETH) {
            c.fundingError = IReferralPayments.PermitNeedsToken.selector;
            return abi.encodeCall(
                ecoshare.payWithPermit, (line.agreementId, ETH, line.amount, line.referrer, c.orderRef, c.refundTo, 0, 0, 0, 0)
            );
        }
        if (line.asset == ETH ? c.value != line.amount : c.value != 0) {
            c.fundingError = IReferralPayments.WrongPaymentValue.selector;
        }
        if (line.asset == ETH) {
            return abi.encodeCall(
                ecoshare.pay, (line.agreementId, line.asset, line.amount, line.referrer, c.orderRef, c.refundTo)
            );
        }
        token.mint(c.payer, line.amount);
        if (!withPermit) {
            vm.prank(c.payer);
            token.approve(address(ecoshare), line.amount);
            return abi.encodeCall(
                ecoshare.pay, (line.agreementId, line.asset, line.amount, line.referrer, c.orderRef, c.refundTo)
            );
        }
        (uint256 deadline, uint8 v, bytes32 r, bytes32 s) = _signPermit(c.payer, line.amount, uint256(c.orderRef));
        if (_allowanceAfterPermit(c.payer, line.amount) < line.amount) {
            c.fundingError = IERC20Errors.ERC20InsufficientAllowance.selector;
        }
        return abi.encodeCall(
            ecoshare.payWithPermit,
            (line.agreementId, line.asset, line.amount, line.referrer, c.orderRef, c.refundTo, deadline, v, r, s)
        );
    }

    /// @dev Funds an order whose token lines sum to `tokenTotal`: the token is minted, then approved or permitted
    /// for the sum (now and then one short); now and then the order carries a permit naming ETH. Sets what must
    /// fail before the lines are split, in the contract's order.
    function _fundOrder(PaymentCall memory c, uint256 tokenTotal, uint256 seed) private returns (bytes memory) {
        uint256 ethTotal;
        for (uint256 i; i < c.lines.length; ++i) {
            if (c.lines[i].asset == ETH) ethTotal += c.lines[i].amount;
        }
        uint256 allowed = tokenTotal != 0 && _chance(seed, 2, 16) ? tokenTotal - 1 : tokenTotal;
        bool badPermit = _chance(seed, 3, 32);
        bool withPermit = _chance(seed, 4, 2);
        IReferralPayments.TokenPermit[] memory permits =
            new IReferralPayments.TokenPermit[]((withPermit ? 1 : 0) + (badPermit ? 1 : 0));
        token.mint(c.payer, tokenTotal);
        uint256 allowance;
        if (withPermit) {
            (uint256 deadline, uint8 v, bytes32 r, bytes32 s) = _signPermit(c.payer, allowed, seed);
            permits[0] = IReferralPayments.TokenPermit(address(token), allowed, deadline, v, r, s);
            allowance = _allowanceAfterPermit(c.payer, allowed);
        } else {
            vm.prank(c.payer);
            token.approve(address(ecoshare), allowed);
            allowance = allowed;
        }
        if (badPermit) permits[permits.length - 1].token = ETH;

        if (c.lines.length == 0) c.fundingError = IReferralPayments.EmptyOrder.selector;
        else if (badPermit) c.fundingError = IReferralPayments.PermitNeedsToken.selector;
        else if (c.value != ethTotal) c.fundingError = IReferralPayments.WrongPaymentValue.selector;
        else if (tokenTotal != 0 && allowance < tokenTotal) {
            c.fundingError = IERC20Errors.ERC20InsufficientAllowance.selector;
        }
        return abi.encodeCall(ecoshare.payOrder, (c.lines, c.orderRef, c.refundTo, permits));
    }

    /// @dev `owner`'s EIP-2612 permit for Ecoshare to take `value`, signed with its key. Now and then a
    /// front-runner submits it first: the payment must go through all the same.
    function _signPermit(address owner, uint256 value, uint256 seed)
        private
        returns (uint256 deadline, uint8 v, bytes32 r, bytes32 s)
    {
        deadline = block.timestamp + 1 hours;
        bytes32 structHash =
            keccak256(abi.encode(PERMIT_TYPEHASH, owner, address(ecoshare), value, token.nonces(owner), deadline));
        (v, r, s) = vm.sign(_keyOf[owner], keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash)));
        if (_chance(seed, 1, 4) && owner.code.length == 0) token.permit(owner, address(ecoshare), value, deadline, v, r, s);
    }

    /// @dev The allowance Ecoshare has once `owner`'s permit for `value` is used: `value`, unless the owner is the
    /// smart wallet, whose permit is invalid (ignored), so the allowance it had decides.
    function _allowanceAfterPermit(address owner, uint256 value) private view returns (uint256) {
        return owner.code.length == 0 ? value : token.allowance(owner, address(ecoshare));
    }

    /// @dev `signer`'s acceptance of `agreementId` until `deadline`; a forged one is the right digest signed by
    /// another actor's key.
    function _signAcceptance(uint256 agreementId, address signer, uint256 deadline, bool forged)
        private
        view
        returns (IRevenueAgreements.SignedAcceptance memory acceptance)
    {
        acceptance.signer = signer;
        acceptance.deadline = deadline;
        if (!_agreementExists(agreementId)) return acceptance;
        uint256 key = _keyOf[forged ? _actor(_indexOf(signer) + 1) : signer];
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, ecoshare.acceptanceDigest(agreementId, signer, deadline));
        acceptance.signature = abi.encodePacked(r, s, v);
    }

    // ================================================================================================
    // Picking actors, networks and agreements
    // ================================================================================================

    function _actor(uint256 seed) internal view returns (address) {
        return _actors[seed % ACTOR_COUNT];
    }

    /// @dev The `i`-th actor after the one `seed` picks, wrapping around.
    function _actorAt(uint256 seed, uint256 i) internal view returns (address) {
        return _actors[(seed % ACTOR_COUNT + i) % ACTOR_COUNT];
    }

    /// @dev A known network, or now and then one that does not exist (id 0 is never one).
    function _pickNetwork(uint256 seed) private view returns (uint256) {
        if (networkCount == 0 || _chance(seed, 7, 32)) return networkCount + 1;
        return 1 + seed % networkCount;
    }

    function _indexOf(address account) private view returns (uint256) {
        for (uint256 i; i < ACTOR_COUNT; ++i) {
            if (_actors[i] == account) return i;
        }
        return ACTOR_COUNT; // not an actor: any actor's key is then a forgery
    }

    /// @dev Half the time an active member (who may admit in a peer-to-peer network), else mostly the operator.
    function _pickAdmitter(uint256 networkId, uint256 seed) private view returns (address) {
        return _chance(seed, 15, 2)
            ? _pickMember(networkId, seed, INetworkRegistry.MemberStatus.Active)
            : _pickOperatorOrAnyone(networkId, seed);
    }

    function _pickOperatorOrAnyone(uint256 networkId, uint256 seed) private view returns (address) {
        address operator = _networks[networkId].operator;
        return operator != address(0) && !_chance(seed, 8, 4) ? operator : _actor(seed);
    }

    /// @dev Mostly an actor whose membership of `networkId` is `status`, else any actor.
    function _pickMember(uint256 networkId, uint256 seed, INetworkRegistry.MemberStatus status)
        private
        view
        returns (address)
    {
        if (!_chance(seed, 9, 8)) {
            for (uint256 i; i < ACTOR_COUNT; ++i) {
                address candidate = _actorAt(seed, i);
                if (_memberStatus[networkId][candidate] == status) return candidate;
            }
        }
        return _actor(seed);
    }

    /// @dev Mostly a party of the terms (who accepts by proposing) or, for an amendment, of the amended
    /// version; else the operator or an active member, now and then anyone.
    function _pickProposer(IRevenueAgreements.AgreementTerms memory terms, uint256 seed, uint256 previousId)
        private
        view
        returns (address)
    {
        uint256 pick = _rand(seed, 0) % 8;
        if (pick < 4) return terms.parties[seed % terms.parties.length].account;
        if (pick == 4 && previousId != 0) return _pickParty(previousId, seed, false);
        if (pick == 5) return _pickOperatorOrAnyone(terms.networkId, seed);
        return _pickMember(terms.networkId, seed, INetworkRegistry.MemberStatus.Active);
    }

    /// @dev Mostly an agreement with `status` (and `asset`, unless address(1)); else any id up to one past the
    /// last.
    function _pickAgreement(uint256 seed, IRevenueAgreements.AgreementStatus status, address asset)
        private
        view
        returns (uint256)
    {
        if (!_chance(seed, 12, 4) && agreementCount != 0) {
            uint256 start = seed % agreementCount;
            for (uint256 i; i < agreementCount; ++i) {
                uint256 id = 1 + (start + i) % agreementCount;
                bool assetFits = asset == address(1) || _agreements[id].asset == asset;
                if (_agreements[id].status == status && assetFits) return id;
            }
        }
        return 1 + seed % (agreementCount + 1);
    }

    /// @dev Mostly an actor with something to withdraw in `asset` (a balance, or earnings in an agreement);
    /// else any actor.
    function _pickEarner(uint256 seed, address asset) private view returns (address) {
        if (!_chance(seed, 18, 4)) {
            for (uint256 i; i < ACTOR_COUNT; ++i) {
                address candidate = _actorAt(seed, i);
                if (_ledger[candidate][asset].balance != 0) return candidate;
                uint256[] memory ids = _entitledIds(candidate, asset);
                for (uint256 j; j < ids.length; ++j) {
                    (uint256 partyShare, uint256 fee) = ghostOwed(ids[j], candidate);
                    if (partyShare + fee != 0) return candidate;
                }
            }
        }
        return _actor(seed);
    }

    /// @dev Mostly a network with at least two active members; else {_pickNetwork}'s choice.
    function _pickPopulatedNetwork(uint256 seed) private view returns (uint256) {
        if (!_chance(seed, 16, 8) && networkCount != 0) {
            for (uint256 i; i < networkCount; ++i) {
                uint256 id = 1 + (seed % networkCount + i) % networkCount;
                uint256 active;
                for (uint256 j; j < ACTOR_COUNT; ++j) {
                    if (_isActive(id, _actors[j])) ++active;
                }
                if (active >= 2) return id;
            }
        }
        return _pickNetwork(seed);
    }

    /// @dev Mostly a pending agreement that can still activate (every party active, window not over, amended
    /// version still active): others are stuck for good. Else {_pickAgreement}'s choice.
    function _pickAcceptable(uint256 seed) private view returns (uint256) {
        if (!_chance(seed, 17, 4) && agreementCount != 0) {
            for (uint256 i; i < agreementCount; ++i) {
                uint256 id = 1 + (seed % agreementCount + i) % agreementCount;
                if (_agreements[id].status == PENDING && _predictActivation(id) == 0) return id;
            }
        }
        return _pickAgreement(seed, IRevenueAgreements.AgreementStatus.Pending, address(1));
    }

    /// @dev Mostly an agreement in `asset` that takes payments now; else {_pickAgreement}'s choice.
    function _pickOpenAgreement(uint256 seed, address asset) private view returns (uint256) {
        if (!_chance(seed, 14, 4) && agreementCount != 0) {
            uint256 start = seed % agreementCount;
            for (uint256 i; i < agreementCount; ++i) {
                uint256 id = 1 + (start + i) % agreementCount;
                if (_predictPaymentWindow(id, asset) == 0) return id;
            }
        }
        return _pickAgreement(seed, IRevenueAgreements.AgreementStatus.Active, asset);
    }

    /// @dev A party of `agreementId` (one yet to accept, if `pending`), or now and then any actor.
    function _pickParty(uint256 agreementId, uint256 seed, bool pending) private view returns (address) {
        address[] storage parties = _agreements[agreementId].parties;
        if (parties.length != 0 && !_chance(seed, 13, 8)) {
            for (uint256 i; i < parties.length; ++i) {
                address candidate = parties[(seed % parties.length + i) % parties.length];
                if (!pending || !_positions[agreementId][candidate].accepted) return candidate;
            }
        }
        return _actor(seed);
    }

    /// @dev The parties of `agreementId` in turn from the `seed`-th, those yet to accept before the others.
    function _nthPendingParty(uint256 agreementId, uint256 seed) private view returns (address) {
        address[] storage parties = _agreements[agreementId].parties;
        uint256 start = seed % parties.length;
        for (uint256 i; i < parties.length; ++i) {
            address candidate = parties[(start + i) % parties.length];
            if (!_positions[agreementId][candidate].accepted) return candidate;
        }
        return parties[start];
    }

    /// @dev No referrer a third of the time; else mostly an active member of the agreement's network (maybe the
    /// payer itself), now and then any actor.
    function _pickReferrer(uint256 agreementId, address payer, uint256 seed) private view returns (address) {
        uint256 pick = _rand(seed, 0) % 12;
        if (pick < 4) return address(0);
        if (pick == 4) return payer;
        if (pick == 5) return _actor(seed);
        return _pickMember(_agreements[agreementId].networkId, seed, INetworkRegistry.MemberStatus.Active);
    }

    // ================================================================================================
    // Checks against the contract
    // ================================================================================================

    /// @dev Counts the call and compares its outcome with the model's prediction: the same error selector, or
    /// success on both sides. Returns whether the call succeeded; a mismatch fails the run, with the revert data.
    function _outcome(bytes32 action, bool ok, bytes memory ret, bytes4 expected) private returns (bool) {
        _count(action, ok);
        if (ok && expected == 0) return true;
        if (!ok && ret.length >= 4 && bytes4(ret) == expected) return false;
        string memory got = ok
            ? "succeeded"
            : string.concat("reverted with ", ret.length == 0 ? "no data" : vm.toString(ret));
        string memory wanted =
            expected == 0 ? "success" : string.concat("the error ", vm.toString(abi.encodePacked(expected)));
        vm.assertTrue(false, string.concat(_name(action), ": ", got, ", but the model expected ", wanted));
        return false;
    }

    function _predictSignedAcceptances(
        uint256 agreementId,
        IRevenueAgreements.SignedAcceptance[] memory acceptances,
        bool[] memory forged
    ) private view returns (bytes4, address[] memory accepting) {
        accepting = new address[](acceptances.length);
        if (!_agreementExists(agreementId)) return (IRevenueAgreements.UnknownAgreement.selector, accepting);
        GhostAgreement storage a = _agreements[agreementId];
        // A relayer whose whole batch was recorded first (and activated the agreement) succeeds without effect,
        // whatever the entries' deadlines and signatures.
        if (a.status == ACTIVE && _allAccepted(agreementId, acceptances)) return (0, new address[](0));
        bytes4 pendingErr = _predictPending(agreementId);
        if (pendingErr != 0) return (pendingErr, accepting);
        uint256 n;
        uint256 pending = a.pendingAcceptances;
        for (uint256 i; i < acceptances.length; ++i) {
            address signer = acceptances[i].signer;
            GhostPosition storage p = _positions[agreementId][signer];
            if (!p.isParty) return (IRevenueAgreements.NotAgreementParty.selector, accepting);
            if (p.accepted || _containsAccount(accepting, n, signer)) continue;
            if (acceptances[i].deadline < block.timestamp) {
                return (IRevenueAgreements.AcceptanceExpired.selector, accepting);
            }
            if (forged[i]) return (IRevenueAgreements.InvalidAcceptanceSignature.selector, accepting);
            if (!_isActive(a.networkId, signer)) return (INetworkRegistry.MemberNotActive.selector, accepting);
            n = _appendAccount(accepting, n, signer);
            if (--pending == 0) {
                bytes4 err = _predictActivation(agreementId);
                if (err != 0) return (err, accepting);
            }
        }
        return (0, _firstAccounts(accepting, n));
    }

    function _allAccepted(uint256 agreementId, IRevenueAgreements.SignedAcceptance[] memory acceptances)
        private
        view
        returns (bool)
    {
        for (uint256 i; i < acceptances.length; ++i) {
            if (!_positions[agreementId][acceptances[i].signer].accepted) return false;
        }
        return true;
    }

    function _checkNetwork(uint256 networkId) private view {
        INetworkRegistry.Network memory net = ecoshare.network(networkId);
        GhostNetwork storage g = _networks[networkId];
        vm.assertEq(net.operator, g.operator, "network: operator differs from the model");
        vm.assertEq(net.pendingOperator, g.pendingOperator, "network: pending operator differs from the model");
        vm.assertEq(uint256(net.kind), uint256(g.kind), "network: kind differs from the model");
        vm.assertEq(net.feeRecipient, g.feeRecipient, "network: fee recipient differs from the model");
        vm.assertEq(net.feeBps, g.feeBps, "network: fee differs from the model");
    }

    function _checkMembership(uint256 networkId, address account) private view {
        INetworkRegistry.Membership memory m = ecoshare.membership(networkId, account);
        vm.assertEq(uint256(m.status), uint256(_memberStatus[networkId][account]), "membership: status differs");
        vm.assertTrue(
            m.awaitsReinstatement == _awaitsReinstatement[networkId][account],
            "membership: awaitsReinstatement differs from the model"
        );
    }

    function _checkAgreement(uint256 agreementId) private view {
        IRevenueAgreements.AgreementView memory a = ecoshare.agreement(agreementId);
        GhostAgreement storage g = _agreements[agreementId];
        vm.assertEq(
            uint256(a.status), uint256(ghostReportedStatus(agreementId)), "agreement: status differs from the model"
        );
        vm.assertEq(a.lineageId, g.lineageId, "agreement: lineage differs from the model");
        vm.assertEq(a.holdbackPeriod, g.holdbackPeriod, "agreement: holdback differs from the model");
        vm.assertEq(a.refunder, g.refunder, "agreement: refunder differs from the model");
        vm.assertEq(a.heldPayments, g.heldPayments, "agreement: held payments differ from the model");
        vm.assertEq(
            ecoshare.activeVersionOf(g.lineageId),
            _lineages[g.lineageId].activeVersion,
            "agreement: active version of the lineage differs from the model"
        );
        vm.assertEq(a.pendingAcceptances, g.pendingAcceptances, "agreement: pending acceptances differ from the model");
        vm.assertEq(a.version, g.version, "agreement: version differs from the model");
        vm.assertEq(a.previousId, g.previousId, "agreement: previous id differs from the model");
        vm.assertEq(a.partyCount, g.parties.length, "agreement: party count differs from the model");
        vm.assertEq(a.feeRecipient, g.feeRecipient, "agreement: fee recipient differs from the model");
        vm.assertEq(a.networkFeeBps, g.networkFeeBps, "agreement: network fee differs from the model");
        vm.assertEq(a.referralFeeBps, g.referralFeeBps, "agreement: referral fee differs from the model");
        vm.assertEq(a.referrerRoles, g.referrerRoles, "agreement: referrer roles differ from the model");
        vm.assertEq(a.asset, g.asset, "agreement: asset differs from the model");
        vm.assertEq(a.validFrom, g.validFrom, "agreement: validFrom differs from the model");
        vm.assertEq(a.validUntil, g.validUntil, "agreement: validUntil differs from the model");
    }

    function _paymentState(IReferralPayments.OrderLine[] memory lines) private view returns (PaymentBefore memory s) {
        s.holdings = [_holdings(ETH), _holdings(address(token))];
        s.vendorPools = new uint256[](lines.length);
        s.networkFees = new uint256[](lines.length);
        s.referrerBalances = new uint256[](lines.length);
        s.openBefore = new bool[](lines.length);
        for (uint256 i; i < lines.length; ++i) {
            IReferralPayments.OrderLine memory line = lines[i];
            if (line.referrer != address(0)) s.referrerBalances[i] = ecoshare.balanceOf(line.referrer, line.asset);
            if (line.agreementId != 0 && line.agreementId <= ecoshare.agreementCount()) {
                IRevenueAgreements.AgreementView memory a = ecoshare.agreement(line.agreementId);
                s.vendorPools[i] = a.vendorPool;
                s.networkFees[i] = a.networkFees;
                s.openBefore[i] = a.status == IRevenueAgreements.AgreementStatus.Active
                    && block.timestamp >= a.validFrom && block.timestamp <= a.validUntil;
            }
        }
    }

    /// @dev The EIP-712 struct hash of `t`, from the type strings of docs/architecture.md restated here.
    function _termsDigestOf(IRevenueAgreements.AgreementTerms memory t) internal pure returns (bytes32) {
        bytes32[] memory partyHashes = new bytes32[](t.parties.length);
        for (uint256 i; i < t.parties.length; ++i) {
            partyHashes[i] = keccak256(abi.encode(PARTY_TYPEHASH, t.parties[i].account, t.parties[i].shareBps));
        }
        bytes32[] memory tierHashes = new bytes32[](t.referralTiers.length);
        for (uint256 i; i < t.referralTiers.length; ++i) {
            tierHashes[i] =
                keccak256(abi.encode(TIER_TYPEHASH, t.referralTiers[i].fromVolume, t.referralTiers[i].feeBps));
        }
        bytes memory head = abi.encode(
            TERMS_TYPEHASH,
            t.networkId,
            t.asset,
            keccak256(abi.encodePacked(partyHashes)),
            t.referralFeeBps,
            keccak256(abi.encodePacked(tierHashes)),
            t.referrerRoles,
            t.networkFeeBps
        );
        return keccak256(
            bytes.concat(
                head,
                abi.encode(
                    t.feeRecipient,
                    t.validFrom,
                    t.validUntil,
                    t.holdbackPeriod,
                    t.refunder,
                    t.termsHash,
                    keccak256(bytes(t.termsURI))
                )
            )
        );
    }

    // ================================================================================================
    // Low-level helpers
    // ================================================================================================

    /// @dev Calls Ecoshare as `caller`. Nothing may sit between the prank and the call: all inputs are ready.
    function _callAs(address caller, bytes memory data, uint256 value) private returns (bool ok, bytes memory ret) {
        if (value != 0) {
            // Fund both the real and the pranked sender, so the value is there whichever one pays it.
            vm.deal(caller, caller.balance + value);
            if (address(this).balance < value) vm.deal(address(this), value);
        }
        vm.prank(caller);
        (ok, ret) = address(ecoshare).call{value: value}(data);
    }

    function _holdings(address asset) private view returns (uint256) {
        return _balanceOfAsset(asset, address(ecoshare));
    }

    function _balanceOfAsset(address asset, address account) private view returns (uint256) {
        return asset == ETH ? account.balance : token.balanceOf(account);
    }

    function _count(bytes32 action, bool ok) private {
        ++calls[action];
        if (ok) ++successes[action];
    }

    /// @dev Puts `account` at index `n` of a list whose first `n` entries are in use; returns the new length.
    function _appendAccount(address[] memory list, uint256 n, address account) private pure returns (uint256) {
        list[n] = account;
        return n + 1;
    }

    function _appendId(uint256[] memory list, uint256 n, uint256 id) private pure returns (uint256) {
        list[n] = id;
        return n + 1;
    }

    function _firstAccounts(address[] memory list, uint256 n) private pure returns (address[] memory firsts) {
        firsts = new address[](n);
        for (uint256 i; i < n; ++i) {
            firsts[i] = list[i];
        }
    }

    function _firstIds(uint256[] memory list, uint256 n) private pure returns (uint256[] memory firsts) {
        firsts = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            firsts[i] = list[i];
        }
    }

    function _containsAccount(address[] memory accounts, uint256 n, address account) private pure returns (bool) {
        for (uint256 i; i < n; ++i) {
            if (accounts[i] == account) return true;
        }
        return false;
    }

    /// @dev A pseudo-random number from a fuzzed seed, different for each `salt`.
    function _rand(uint256 seed, uint256 salt) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode(seed, salt)));
    }

    /// @dev True about once in `oneIn` (each `salt` draws independently from the same seed).
    function _chance(uint256 seed, uint256 salt, uint256 oneIn) internal pure returns (bool) {
        return _rand(seed, salt + 1_000) % oneIn == 0;
    }

    function _name(bytes32 action) private pure returns (string memory name) {
        uint256 length;
        while (length < 32 && action[length] != 0) ++length;
        name = new string(length);
        for (uint256 i; i < length; ++i) {
            bytes(name)[i] = action[i];
        }
    }
}
