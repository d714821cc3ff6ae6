// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ecoshare} from "../../contracts/Ecoshare.sol";
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

    // Short names for the statuses the handler steers by.
    IRevenueAgreements.AgreementStatus internal constant PENDING = IRevenueAgreements.AgreementStatus.Pending;
    IRevenueAgreements.AgreementStatus internal constant ACTIVE = IRevenueAgreements.AgreementStatus.Active;
    INetworkRegistry.MemberStatus internal constant ACTIVE_MEMBER = INetworkRegistry.MemberStatus.Active;
    INetworkRegistry.MemberStatus internal constant SUSPENDED = INetworkRegistry.MemberStatus.Suspended;

    /// @notice Where withdrawTo sends money when the account names another wallet.
    address public constant COLD_WALLET = address(0xC01D);
    /// @notice A payout address that refuses ETH: withdrawals of ETH to it must revert and leave the balance.
    RevertingRecipient public refuser;

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
            terms.validFrom = uint40(block.timestamp);
            terms.validUntil = uint40(block.timestamp + 30 days);
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
            uint256 lastUntil;
            for (uint256 id = 1; id <= agreementCount; ++id) {
                if (_agreements[id].validUntil > lastUntil) lastUntil = _agreements[id].validUntil;
            }
            if (lastUntil >= block.timestamp) vm.warp(lastUntil + 1);
        } else {
            for (uint256 id = 1; id <= agreementCount; ++id) {
                IRevenueAgreements.AgreementStatus status = _agreements[id].status;
                if (status == PENDING || status == ACTIVE) {
                    _terminate(id, _agreements[id].parties[0]);
                }
            }
        }
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
        vm.assertEq(address(ecoshare).balance, 0, "settlement: ETH left in Ecoshare after everyone withdrew");
        vm.assertEq(token.balanceOf(address(ecoshare)), 0, "settlement: dUSD left in Ecoshare after everyone withdrew");
        for (uint256 i; i < ACTOR_COUNT; ++i) {
            for (uint256 k; k < 2; ++k) {
                address account = _actors[i];
                address asset = assets()[k];
                vm.assertEq(
                    _ledger[account][asset].withdrawn,
                    _ledger[account][asset].referralCredited + ghostMaxEarnings(account, asset),
                    string.concat("settlement: ", vm.toString(account), " was not paid exactly what it earned")
                );
            }
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
        bytes4 expected = _predictPropose(proposer, previousId, terms);
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
        uint256 modelId = _commitProposal(proposer, previousId, terms);
        vm.assertEq(agreementId, modelId, "propose: ids must run from 1");
        _checkAgreement(agreementId);
        if (previousId != 0) _checkAgreement(previousId);
        vm.assertEq(
            ecoshare.agreement(agreementId).termsDigest,
            _termsDigestOf(terms),
            "propose: stored terms digest is not the EIP-712 hash of the terms"
        );
    }

    function _terminate(uint256 agreementId, address caller) private {
        bytes4 expected = _predictTerminate(agreementId, caller);
        (bool ok, bytes memory ret) = _callAs(caller, abi.encodeCall(ecoshare.terminate, (agreementId)), 0);
        if (!_outcome("terminate", ok, ret, expected)) return;

        _agreements[agreementId].status = IRevenueAgreements.AgreementStatus.Terminated;
        _checkAgreement(agreementId);
    }

    struct PaymentCheck {
        uint256 holdings;
        uint256 referrerBalance;
        uint256 vendorPool;
        uint256 networkFees;
        bool openBefore;
    }

    struct Payment {
        uint256 agreementId;
        address asset;
        address payer;
        uint256 amount;
        address referrer;
        uint256 value;
        bytes32 action;
        bytes call;
    }

    function _pay(
        address asset,
        uint256 agreementSeed,
        uint256 payerSeed,
        uint256 amountSeed,
        uint256 referrerSeed,
        bool withPermit
    ) private {
        Payment memory p;
        p.asset = asset;
        p.agreementId = _pickOpenAgreement(agreementSeed, asset);
        p.payer = _actor(payerSeed);
        p.amount = _draftAmount(asset, amountSeed);
        p.referrer = _pickReferrer(p.agreementId, p.payer, referrerSeed);
        // Now and then a wallet sends one wei too many (never to payWithPermit, which is not payable).
        uint256 excess = !withPermit && _chance(amountSeed, 7, 64) ? 1 : 0;
        p.value = (asset == ETH ? p.amount : 0) + excess;
        p.action = withPermit ? bytes32("payWithPermit") : asset == ETH ? bytes32("payEth") : bytes32("payToken");
        // Now and then a permit payment names ETH, which has no permits.
        if (withPermit && _chance(amountSeed, 9, 32)) p.asset = ETH;
        p.call = _fundPayment(p, withPermit);
        _executePayment(p);
    }

    function _executePayment(Payment memory p) private {
        bytes4 expected = _predictPayment(p);
        PaymentCheck memory before = _paymentState(p.agreementId, p.asset, p.referrer);
        vm.recordLogs();
        (bool ok, bytes memory ret) = _callAs(p.payer, p.call, p.value);
        IVm.Log[] memory logs = vm.getRecordedLogs();
        // The ghost window check: whatever the model says, a payment the contract took must have found its
        // agreement active and inside its window, by the contract's own view just before the call.
        if (ok) {
            vm.assertTrue(before.openBefore, "pay: an agreement took a payment while not active or outside its window");
        }
        if (!_outcome(p.action, ok, ret, expected)) return;
        _checkSplit(p, before, logs);
    }

    /// @dev The model's prediction, plus what only payWithPermit checks, before anything else: the asset must be
    /// a token, and a permit that fails (the smart wallet cannot sign one) is ignored, so the allowance decides
    /// and the token refuses the pull before any check of the agreement.
    function _predictPayment(Payment memory p) private view returns (bytes4) {
        if (p.action == "payWithPermit") {
            if (p.asset == ETH) return IReferralPayments.PermitNeedsToken.selector;
            if (
                p.amount != 0 && p.payer.code.length != 0 && token.allowance(p.payer, address(ecoshare)) < p.amount
            ) return IERC20Errors.ERC20InsufficientAllowance.selector;
        }
        return _predictPay(p.agreementId, p.asset, p.amount, p.value, p.payer, p.referrer);
    }

    /// @dev The ghost split check: the parts add up to the payment exactly, each fee is at most its rate, and
    /// the contract moved exactly those parts (and said so in PaymentSplit).
    function _checkSplit(Payment memory p, PaymentCheck memory before, IVm.Log[] memory logs) private {
        (uint256 networkFee, uint256 referralFee, uint256 vendorShare) =
            _commitPayment(p.agreementId, p.amount, p.referrer);
        GhostAgreement storage g = _agreements[p.agreementId];
        vm.assertEq(networkFee + referralFee + vendorShare, p.amount, "pay: split does not add up to the payment");
        vm.assertLe(networkFee * BPS, p.amount * g.networkFeeBps, "pay: network fee above its rate");
        vm.assertLe(referralFee * BPS, p.amount * g.referralFeeBps, "pay: referral fee above its rate");
        IRevenueAgreements.AgreementView memory a = ecoshare.agreement(p.agreementId);
        vm.assertEq(a.vendorPool - before.vendorPool, vendorShare, "pay: vendor pool grew by the wrong amount");
        vm.assertEq(a.networkFees - before.networkFees, networkFee, "pay: network fees grew by the wrong amount");
        vm.assertEq(_holdings(p.asset) - before.holdings, p.amount, "pay: Ecoshare did not receive the exact amount");
        if (p.referrer != address(0)) {
            vm.assertEq(
                ecoshare.balanceOf(p.referrer, p.asset) - before.referrerBalance,
                referralFee,
                "pay: referrer credited wrongly"
            );
        }
        _checkPaymentEvent(logs, p, networkFee, referralFee, vendorShare);
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
    }

    /// @dev Windows that start in the past or the future and last an hour to two months; now and then an empty
    /// or already-over one.
    function _draftWindow(uint256 seed) private view returns (uint40 validFrom, uint40 validUntil) {
        uint256 from = _chance(seed, 1, 2)
            ? block.timestamp - _bound(_rand(seed, 1), 0, 10 days)
            : block.timestamp + _bound(_rand(seed, 1), 0, 5 days);
        uint256 until = from + _bound(_rand(seed, 2), 1 hours, 60 days);
        uint256 pick = _rand(seed, 3) % 32;
        if (pick == 0) until = from; // empty
        if (pick == 1) (from, until) = (block.timestamp - 2 days, block.timestamp); // already over
        if (pick == 2) until = block.timestamp + 1; // closes a second from now
        if (from >= until && pick > 1) from = until - 1;
        return (uint40(from), uint40(until));
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
    /// a token amount near 2^128.
    function _draftAmount(address asset, uint256 seed) private pure returns (uint256) {
        if (_chance(seed, 6, 64)) return 0;
        // Token amounts near the ledger's uint128 cap: two of them overflow an agreement's running total.
        if (asset != ETH && _chance(seed, 8, 64)) return _bound(seed, 2 ** 126, 2 ** 128 - 1);
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
    /// minted to the payer and approved, or authorised by an EIP-2612 permit signed with the payer's key.
    function _fundPayment(Payment memory p, bool withPermit) private returns (bytes memory) {
        bytes32 orderRef = keccak256(abi.encode(p.agreementId, p.amount, block.timestamp));
        if (withPermit && p.asset == ETH) {
            return abi.encodeCall(
                ecoshare.payWithPermit, (p.agreementId, ETH, p.amount, p.referrer, orderRef, 0, 0, 0, 0)
            );
        }
        if (p.asset == ETH) {
            return abi.encodeCall(ecoshare.pay, (p.agreementId, p.asset, p.amount, p.referrer, orderRef));
        }
        token.mint(p.payer, p.amount);
        if (!withPermit) {
            vm.prank(p.payer);
            token.approve(address(ecoshare), p.amount);
            return abi.encodeCall(ecoshare.pay, (p.agreementId, p.asset, p.amount, p.referrer, orderRef));
        }
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 structHash = keccak256(
            abi.encode(PERMIT_TYPEHASH, p.payer, address(ecoshare), p.amount, token.nonces(p.payer), deadline)
        );
        (uint8 v, bytes32 r, bytes32 s) =
            vm.sign(_keyOf[p.payer], keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash)));
        // Now and then a front-runner submits the permit first: the payment must go through all the same.
        if (_chance(uint256(orderRef), 1, 4) && p.payer.code.length == 0) {
            token.permit(p.payer, address(ecoshare), p.amount, deadline, v, r, s);
        }
        return abi.encodeCall(
            ecoshare.payWithPermit, (p.agreementId, p.asset, p.amount, p.referrer, orderRef, deadline, v, r, s)
        );
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
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, ecoshare.acceptanceDigest(agreementId, deadline));
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
        if (a.status != IRevenueAgreements.AgreementStatus.Pending) {
            return (IRevenueAgreements.UnexpectedAgreementStatus.selector, accepting);
        }
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
        vm.assertEq(uint256(a.status), uint256(g.status), "agreement: status differs from the model");
        vm.assertEq(a.pendingAcceptances, g.pendingAcceptances, "agreement: pending acceptances differ from the model");
        vm.assertEq(a.version, g.version, "agreement: version differs from the model");
        vm.assertEq(a.previousId, g.previousId, "agreement: previous id differs from the model");
        vm.assertEq(a.partyCount, g.parties.length, "agreement: party count differs from the model");
        vm.assertEq(a.feeRecipient, g.feeRecipient, "agreement: fee recipient differs from the model");
        vm.assertEq(a.networkFeeBps, g.networkFeeBps, "agreement: network fee differs from the model");
        vm.assertEq(a.referralFeeBps, g.referralFeeBps, "agreement: referral fee differs from the model");
    }

    function _checkPaymentEvent(
        IVm.Log[] memory logs,
        Payment memory p,
        uint256 networkFee,
        uint256 referralFee,
        uint256 vendorShare
    ) private view {
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].topics.length == 0 || logs[i].topics[0] != IReferralPayments.PaymentSplit.selector) continue;
            vm.assertEq(logs[i].emitter, address(ecoshare), "PaymentSplit: emitter");
            vm.assertEq(uint256(logs[i].topics[1]), p.agreementId, "PaymentSplit: agreement id");
            vm.assertEq(address(uint160(uint256(logs[i].topics[2]))), p.payer, "PaymentSplit: payer");
            vm.assertEq(address(uint160(uint256(logs[i].topics[3]))), p.referrer, "PaymentSplit: referrer");
            (address asset, uint256 amount, uint256 nf, uint256 rf, uint256 vs,) =
                abi.decode(logs[i].data, (address, uint256, uint256, uint256, uint256, bytes32));
            vm.assertEq(asset, p.asset, "PaymentSplit: asset");
            vm.assertEq(amount, p.amount, "PaymentSplit: amount");
            vm.assertEq(nf + rf + vs, amount, "PaymentSplit: parts do not add up to the amount");
            vm.assertEq(nf, networkFee, "PaymentSplit: network fee");
            vm.assertEq(rf, referralFee, "PaymentSplit: referral fee");
            vm.assertEq(vs, vendorShare, "PaymentSplit: vendor share");
            return;
        }
        vm.assertTrue(false, "pay: no PaymentSplit event");
    }

    function _paymentState(uint256 agreementId, address asset, address referrer)
        private
        view
        returns (PaymentCheck memory s)
    {
        s.holdings = _holdings(asset);
        if (referrer != address(0)) s.referrerBalance = ecoshare.balanceOf(referrer, asset);
        if (agreementId != 0 && agreementId <= ecoshare.agreementCount()) {
            IRevenueAgreements.AgreementView memory a = ecoshare.agreement(agreementId);
            s.vendorPool = a.vendorPool;
            s.networkFees = a.networkFees;
            s.openBefore = a.status == IRevenueAgreements.AgreementStatus.Active && block.timestamp >= a.validFrom
                && block.timestamp <= a.validUntil;
        }
    }

    function _termsDigestOf(IRevenueAgreements.AgreementTerms memory t) private pure returns (bytes32) {
        bytes32[] memory partyHashes = new bytes32[](t.parties.length);
        for (uint256 i; i < t.parties.length; ++i) {
            partyHashes[i] = keccak256(abi.encode(PARTY_TYPEHASH, t.parties[i].account, t.parties[i].shareBps));
        }
        bytes32 typehash = keccak256(
            "AgreementTerms(uint256 networkId,address asset,Party[] parties,uint16 referralFeeBps,uint16 networkFeeBps,"
            "address feeRecipient,uint40 validFrom,uint40 validUntil,bytes32 termsHash,string termsURI)"
            "Party(address account,uint16 shareBps)"
        );
        bytes memory head = abi.encode(
            typehash, t.networkId, t.asset, keccak256(abi.encodePacked(partyHashes)), t.referralFeeBps, t.networkFeeBps
        );
        return keccak256(
            bytes.concat(
                head, abi.encode(t.feeRecipient, t.validFrom, t.validUntil, t.termsHash, keccak256(bytes(t.termsURI)))
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
