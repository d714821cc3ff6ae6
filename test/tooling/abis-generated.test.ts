/** client/abis.generated.ts must match the compiled artifacts, and the decoder must know every event. */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { expect } from "chai";
import hre from "hardhat";

import { GENERATED_ABIS_PATH, readArtifactAbis, renderAbisModule } from "../../scripts/codegen/render-abis.js";
import type { EcoshareEventArgs } from "../../client/decode-events.js";
import { abiEventNames } from "../../client/decode-events.js";

describe("generated ABIs", function () {
  this.timeout(20_000);
  it("are up to date with the artifacts (else run: npx hardhat run scripts/generate-abis.ts)", async function () {
    const committed = await readFile(path.join(hre.config.paths.root, GENERATED_ABIS_PATH), "utf8");
    const fresh = renderAbisModule({ artifacts: await readArtifactAbis(hre) });
    expect(committed === fresh, `${GENERATED_ABIS_PATH} is stale: run npx hardhat run scripts/generate-abis.ts`).to.equal(true);
  });

  it("give the event decoder a type for every event of Ecoshare", function () {
    // A compile-time list: adding an event to the contract without typing it here fails this test.
    const typed: Record<keyof EcoshareEventArgs, true> = {
      NetworkCreated: true,
      NetworkFeeUpdated: true,
      NetworkMetadataUpdated: true,
      OperatorTransferStarted: true,
      OperatorTransferred: true,
      MembershipRequested: true,
      MemberAdmitted: true,
      MembershipDeclined: true,
      MemberSuspended: true,
      MemberReinstated: true,
      MemberLeft: true,
      MemberMetadataUpdated: true,
      AgreementProposed: true,
      AgreementAccepted: true,
      AgreementActivated: true,
      AgreementSuperseded: true,
      AgreementTerminated: true,
      AgreementCountered: true,
      CounterNonceInvalidated: true,
      MandateSet: true,
      MandateRevoked: true,
      AcceptedByMandate: true,
      PaymentSplit: true,
      OrderPaid: true,
      ReferralTierApplied: true,
      PaymentHeld: true,
      HeldPaymentReleased: true,
      HeldPaymentRefunded: true,
      EarningsCollected: true,
      EarningsPaid: true,
      Withdrawn: true,
      EIP712DomainChanged: true,
    };
    expect(abiEventNames().sort()).to.deep.equal(Object.keys(typed).sort());
  });
});
