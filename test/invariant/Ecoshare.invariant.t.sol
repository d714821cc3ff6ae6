// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// The runner finds tests by Foundry's prefixes (`testFuzz_`, `invariant_`), which are not mixedCase.
// solhint-disable func-name-mixedcase

import {Ecoshare} from "../../contracts/Ecoshare.sol";
import {IMandates} from "../../contracts/interfaces/IMandates.sol";
import {INetworkRegistry} from "../../contracts/interfaces/INetworkRegistry.sol";
import {IReferralPayments} from "../../contracts/interfaces/IReferralPayments.sol";
import {IRevenueAgreements} from "../../contracts/interfaces/IRevenueAgreements.sol";
import {MockStablecoin} from "../../contracts/mocks/MockStablecoin.sol";
import {TestBase} from "../utils/TestBase.sol";
import {EcoshareHandler} from "./EcoshareHandler.sol";
import {EcoshareModel} from "./EcoshareModel.sol";

/// @title EcoshareInvariantTest
/// @notice Random sequences of every user action (see {EcoshareHandler}) on a real Ecoshare, with ETH and a
/// 6-decimal permit stablecoin; after every action the invariants below must hold.
/// @dev Each `invariant_*` function is its own campaign of `runs` x `depth` actions (hardhat.config.ts,
/// `test.solidity.invariant`); `afterInvariant` ends every run by settling everything. Checks that belong to
/// one action (a payment's split, the payment window, each call's exact error) live in the handler.
contract EcoshareInvariantTest is TestBase {
    /// @dev Foundry's target-selector shape, which EDR reads from {targetSelectors}.
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    Ecoshare internal ecoshare;
    MockStablecoin internal token;
    EcoshareHandler internal handler;

    function setUp() public {
        vm.warp(1_750_000_000);
        ecoshare = new Ecoshare();
        token = new MockStablecoin();
        handler = new EcoshareHandler(ecoshare, token);
        handler.bootstrap();
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @dev Every user action, weighted by repeating its selector (the fuzzer draws uniformly from this list):
    /// the actions that create, activate, pay and pay out agreements come up more often than the registry's, so
    /// that a run spends most of its depth with money in play. {EcoshareHandler.settleEverything} is left out:
    /// it closes every agreement and would end the interesting part of a run; nor {EcoshareHandler.bootstrap}.
    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        bytes4[34] memory actions = [
            EcoshareHandler.createNetwork.selector,
            EcoshareHandler.setNetworkFee.selector,
            EcoshareHandler.setMetadata.selector,
            EcoshareHandler.transferOperator.selector,
            EcoshareHandler.cancelOperatorTransfer.selector,
            EcoshareHandler.acceptOperator.selector,
            EcoshareHandler.join.selector,
            EcoshareHandler.admit.selector,
            EcoshareHandler.decline.selector,
            EcoshareHandler.suspend.selector,
            EcoshareHandler.reinstate.selector,
            EcoshareHandler.leave.selector,
            EcoshareHandler.propose.selector,
            EcoshareHandler.amend.selector,
            EcoshareHandler.accept.selector,
            EcoshareHandler.acceptBySignature.selector,
            EcoshareHandler.terminate.selector,
            EcoshareHandler.payEth.selector,
            EcoshareHandler.payToken.selector,
            EcoshareHandler.payTokenWithPermit.selector,
            EcoshareHandler.withdraw.selector,
            EcoshareHandler.withdrawTo.selector,
            EcoshareHandler.warp.selector,
            EcoshareHandler.warpToWindowEdge.selector,
            EcoshareHandler.counterPropose.selector,
            EcoshareHandler.counterProposeBySignature.selector,
            EcoshareHandler.acceptCompeting.selector,
            EcoshareHandler.releaseHeld.selector,
            EcoshareHandler.refundHeld.selector,
            EcoshareHandler.payOrder.selector,
            EcoshareHandler.collect.selector,
            EcoshareHandler.invalidateCounterNonce.selector,
            EcoshareHandler.setMandate.selector,
            EcoshareHandler.revokeMandate.selector
        ];
        uint8[34] memory weights =
            [1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1, 3, 2, 3, 2, 1, 4, 3, 2, 3, 2, 2, 1, 2, 2, 1, 3, 3, 4, 2, 1, 3, 1];
        uint256 total;
        for (uint256 i; i < actions.length; ++i) total += weights[i];
        bytes4[] memory selectors = new bytes4[](total);
        uint256 n;
        for (uint256 i; i < actions.length; ++i) {
            for (uint256 w; w < weights[i]; ++w) {
                selectors[n] = actions[i];
                ++n;
            }
        }
        targets = new FuzzSelector[](1);
        targets[0] = FuzzSelector({addr: address(handler), selectors: selectors});
    }

    /// @notice Solvency, per asset: what Ecoshare holds is exactly what it owes, i.e. every account's
    /// withdrawable balance plus every agreement's uncollected earnings (its vendor pool minus what its parties
    /// collected, its network fees minus what its fee recipient collected) plus the amounts of the payments
    /// still held (from the PaymentHeld records). Nothing more, nothing less.
    function invariant_holdingsEqualLiabilities() public view {
        address[] memory accounts = _accounts();
        address[2] memory assets = handler.assets();
        for (uint256 k; k < 2; ++k) {
            uint256 owed;
            for (uint256 i; i < accounts.length; ++i) {
                owed += ecoshare.balanceOf(accounts[i], assets[k]);
            }
            for (uint256 id = 1; id <= ecoshare.agreementCount(); ++id) {
                IRevenueAgreements.AgreementView memory a = ecoshare.agreement(id);
                if (a.asset != assets[k]) continue;
                owed += a.vendorPool - handler.ghostPartiesCollected(id);
                owed += a.networkFees - a.networkFeesCollected;
            }
            uint256 held;
            for (uint256 i; i < handler.heldCount(); ++i) {
                (IReferralPayments.HeldPayment memory r, EcoshareModel.HoldState state) = handler.ghostHeld(i);
                if (r.asset == assets[k] && state == EcoshareModel.HoldState.Held) held += r.amount;
            }
            vm.assertEq(held, handler.ghostTotals(assets[k]).held, "held amounts differ from the model's total");
            owed += held;
            vm.assertEq(_holdings(assets[k]), owed, string.concat("holdings != liabilities in ", _assetName(k)));
            EcoshareModel.AssetTotals memory totals = handler.ghostTotals(assets[k]);
            vm.assertEq(
                _holdings(assets[k]),
                totals.deposited - totals.paidOut,
                string.concat("holdings != payments taken - payouts made in ", _assetName(k))
            );
        }
    }

    /// @notice No account ever withdraws more than it was credited: what was paid out for it (by withdraw,
    /// withdrawTo and collect) plus what it still has is exactly its referral fees plus what it collected plus
    /// the refunds credited to it as a refund recipient, and what it collected never exceeds what the
    /// agreements' pools (as the model computes them) can ever owe it.
    function invariant_noAccountWithdrawsMoreThanCredited() public view {
        address[] memory accounts = _accounts();
        address[2] memory assets = handler.assets();
        for (uint256 i; i < accounts.length; ++i) {
            for (uint256 k; k < 2; ++k) {
                address account = accounts[i];
                address asset = assets[k];
                EcoshareModel.AccountLedger memory ledger = handler.ghostLedger(account, asset);
                uint256 credited = ledger.referralCredited + ledger.collected + ledger.refunded;
                vm.assertLe(ledger.withdrawn, credited, "an account withdrew more than it was credited");
                vm.assertEq(
                    ledger.withdrawn + ecoshare.balanceOf(account, asset), credited, "withdrawn + balance != credited"
                );
                vm.assertEq(ecoshare.balanceOf(account, asset), ledger.balance, "balance differs from the model");
                vm.assertLe(
                    ledger.collected,
                    handler.ghostMaxEarnings(account, asset),
                    "an account collected more than the pools can ever owe it"
                );
            }
        }
    }

    /// @notice Per agreement: each party's collected amount stays within its entitlement (its open share while
    /// the pool can grow, its final slice once closed), the parties together never take more than the pool,
    /// the fee recipient never more than the fees; and the contract's pool, fees and status are the model's.
    function invariant_collectedWithinEntitlements() public view {
        for (uint256 id = 1; id <= handler.agreementCount(); ++id) {
            EcoshareModel.GhostAgreement memory g = handler.ghostAgreement(id);
            IRevenueAgreements.AgreementView memory a = ecoshare.agreement(id);
            vm.assertEq(a.vendorPool, g.vendorPool, "vendor pool differs from the model");
            vm.assertEq(a.networkFees, g.networkFees, "network fees differ from the model");
            vm.assertEq(a.networkFeesCollected, g.networkFeesCollected, "fees collected differ from the model");
            vm.assertEq(uint256(a.status), uint256(handler.ghostReportedStatus(id)), "status differs from the model");
            vm.assertEq(a.version, g.version, "version differs from the model");
            vm.assertLe(a.networkFeesCollected, a.networkFees, "fee recipient collected more than the fees");
            bool closed = handler.ghostIsClosed(id);
            uint256 partiesCollected;
            for (uint256 j; j < g.parties.length; ++j) {
                EcoshareModel.GhostPosition memory p = handler.ghostPosition(id, g.parties[j]);
                uint256 open = uint256(a.vendorPool) * p.shareBps / 10_000;
                uint256 slice = uint256(a.vendorPool) * (p.shareStart + p.shareBps) / 10_000
                    - uint256(a.vendorPool) * p.shareStart / 10_000;
                vm.assertLe(p.collected, closed ? slice : open, "a party collected more than its entitlement");
                partiesCollected += p.collected;
            }
            vm.assertLe(partiesCollected, a.vendorPool, "parties collected more than the vendor pool");
        }
    }

    /// @notice Loyalty: every referrer's earned volume in every lineage (tiered payments credited at once, held
    /// ones once released, refunded ones never), and the tier and rate each version would charge it next, are
    /// the model's.
    function invariant_referralTiersMatchModel() public view {
        address[] memory actors = handler.actors();
        for (uint256 id = 1; id <= handler.agreementCount(); ++id) {
            uint256 lineageId = handler.ghostAgreement(id).lineageId;
            for (uint256 i; i < actors.length; ++i) {
                (uint256 volume, uint8 tier, uint16 feeBps) = ecoshare.referredVolume(id, actors[i]);
                (uint256 modelTier, uint256 modelRate) = handler.ghostTier(id, actors[i]);
                vm.assertEq(volume, handler.ghostReferredVolume(lineageId, actors[i]), "referred volume differs");
                vm.assertEq(tier, modelTier, "tier reached differs from the model");
                vm.assertEq(feeBps, modelRate, "tier rate differs from the model");
            }
        }
    }

    /// @notice Held payments: each is held, released or refunded, never both released and refunded (by the
    /// events seen), each agreement's count of held payments is the model's, and the amounts held, released
    /// and refunded add up to everything ever held.
    function invariant_heldPaymentsSettleOnce() public view {
        uint256 count = handler.heldCount();
        uint256 everHeld;
        uint256[] memory heldPer = new uint256[](handler.agreementCount() + 1);
        for (uint256 i; i < count; ++i) {
            (IReferralPayments.HeldPayment memory r, EcoshareModel.HoldState state) = handler.ghostHeld(i);
            vm.assertEq(r.holdId, i + 1, "hold ids must run from 1");
            (bool released, bool refunded) = handler.ghostSettlementsSeen(r.holdId);
            vm.assertTrue(!(released && refunded), "a held payment was both released and refunded");
            vm.assertTrue(released == (state == EcoshareModel.HoldState.Released), "release seen != model state");
            vm.assertTrue(refunded == (state == EcoshareModel.HoldState.Refunded), "refund seen != model state");
            if (state == EcoshareModel.HoldState.Held) ++heldPer[r.agreementId];
            everHeld += r.amount;
        }
        for (uint256 id = 1; id <= handler.agreementCount(); ++id) {
            vm.assertEq(ecoshare.agreement(id).heldPayments, heldPer[id], "held payment count differs");
        }
        uint256 settled;
        address[2] memory assets = handler.assets();
        for (uint256 k; k < 2; ++k) {
            EcoshareModel.AssetTotals memory t = handler.ghostTotals(assets[k]);
            settled += t.held + t.released + t.refunded;
        }
        vm.assertEq(settled, everHeld, "held + released + refunded != everything ever held");
    }

    /// @notice The registry and the agreements agree with the model: counts, each network's settings, each
    /// actor's membership in each network, and whether a suspension survives its leaving (so that leaving and
    /// joining again never lifts a suspension).
    function invariant_registryMatchesModel() public view {
        vm.assertEq(ecoshare.networkCount(), handler.networkCount(), "network count differs from the model");
        vm.assertEq(ecoshare.agreementCount(), handler.agreementCount(), "agreement count differs from the model");
        address[] memory actors = handler.actors();
        for (uint256 id = 1; id <= handler.networkCount(); ++id) {
            INetworkRegistry.Network memory net = ecoshare.network(id);
            vm.assertEq(net.operator, handler.ghostNetwork(id).operator, "operator differs from the model");
            for (uint256 i; i < actors.length; ++i) {
                INetworkRegistry.Membership memory m = ecoshare.membership(id, actors[i]);
                uint256 modelStatus = uint256(handler.ghostMemberStatus(id, actors[i]));
                vm.assertEq(uint256(m.status), modelStatus, "membership differs from the model");
                vm.assertTrue(
                    m.awaitsReinstatement == handler.ghostAwaitsReinstatement(id, actors[i]),
                    "a suspension kept on record differs from the model"
                );
            }
        }
    }

    /// @notice Every actor's standing mandate in every network (and one past the last) agrees with the model:
    /// its bounds, the nonce it was set with, whether it is live now (expiry and membership), and each actor's
    /// next mandate nonce. Whether a proposal counted as a mandate acceptance is checked by the handler after
    /// each proposal, amendment and counter-proposal (the model accepts for exactly the covered parties).
    function invariant_mandatesMatchModel() public view {
        address[] memory actors = handler.actors();
        for (uint256 id = 1; id <= handler.networkCount() + 1; ++id) {
            for (uint256 i; i < actors.length; ++i) {
                (IMandates.Mandate memory got, uint256 setWith, bool live) = ecoshare.mandateOf(id, actors[i]);
                (IMandates.Mandate memory want, uint256 wantSetWith, uint256 nextNonce) = handler.ghostMandate(id, actors[i]);
                vm.assertEq(got.expiresAt, want.expiresAt, "mandate expiry differs from the model");
                vm.assertEq(keccak256(abi.encode(got.assets)), keccak256(abi.encode(want.assets)), "mandate assets differ");
                vm.assertEq(got.maxReferralFeeBps, want.maxReferralFeeBps, "mandate referral cap differs");
                vm.assertEq(setWith, wantSetWith, "mandate nonce differs from the model");
                vm.assertEq(ecoshare.mandateNonce(actors[i]), nextNonce, "next mandate nonce differs from the model");
                bool active = handler.ghostMemberStatus(id, actors[i]) == INetworkRegistry.MemberStatus.Active;
                vm.assertTrue(live == (want.expiresAt > block.timestamp && active), "mandate liveness differs");
            }
        }
    }

    /// @notice Every credited wei stays withdrawable: from the current state, closing every agreement and
    /// withdrawing every actor's earnings pays each exactly what it earned and leaves Ecoshare holding 0 of each
    /// asset. Runs in a snapshot, so the campaign continues from the state before.
    function invariant_everythingWithdrawable() public {
        uint256 snapshot = vm.snapshotState();
        handler.settleEverything({byExpiry: false});
        vm.revertToStateAndDelete(snapshot);
    }

    /// @notice The final step of every run, for real: let every window run out, withdraw everything, and find
    /// Ecoshare empty with every account paid exactly its earnings.
    function afterInvariant() public {
        handler.settleEverything({byExpiry: true});
    }

    /// @dev Everyone who can hold a balance in Ecoshare: the actors (parties, referrers, fee recipients).
    function _accounts() private view returns (address[] memory) {
        return handler.actors();
    }

    function _holdings(address asset) private view returns (uint256) {
        return asset == address(0) ? address(ecoshare).balance : token.balanceOf(address(ecoshare));
    }

    function _assetName(uint256 k) private pure returns (string memory) {
        return k == 0 ? "ETH" : "dUSD";
    }
}
