import { describe, expect, it } from "vitest";

import { agreementPhase, paymentBlocker, PHASE_TEXT } from "./agreementPhase";
import { AIRLINE, build, eventFactory, HOTEL, terms } from "./issue13.fixtures";

const ev = eventFactory();
const events = [
  ev("AgreementProposed", { agreementId: 1n, networkId: 1n, proposer: HOTEL, previousId: 0n, version: 1, terms: terms(6000) }),
  ev("AgreementAccepted", { agreementId: 1n, party: HOTEL, bySignature: false }),
  ev("AgreementAccepted", { agreementId: 1n, party: AIRLINE, bySignature: true }),
  ev("AgreementActivated", { agreementId: 1n, previousId: 0n }),
];

describe("an agreement's phase by the chain's clock (issue 13, point 1)", () => {
  const ledger = build(events);
  const a = ledger.agreements.get(1n)!;

  it("is active only inside its validity window", () => {
    expect(agreementPhase(ledger, a, 1_750_000_000n)).toBe("active");
    expect(agreementPhase(ledger, a, 1_699_999_999n)).toBe("not-yet-valid");
    // The next block comes after `now`: at validUntil a new payment would already be refused.
    expect(agreementPhase(ledger, a, 1_800_000_000n)).toBe("expired");
    expect(agreementPhase(ledger, a, 1_900_000_000n)).toBe("expired");
  });

  it("says why an agreement takes no payment, naming the date", () => {
    expect(paymentBlocker(a, "active")).toBeUndefined();
    expect(paymentBlocker(a, "expired")).toMatch(/^Agreement #1 expired on .+ \(the chain's time\): it takes no more payments\.$/);
    expect(paymentBlocker(a, "not-yet-valid")).toMatch(/^Agreement #1 takes payments only from /);
    expect(PHASE_TEXT.expired).toBe("Expired");
    expect(PHASE_TEXT["not-yet-valid"]).toBe("Not yet valid");
  });
});

describe("one word for one state (issue 13, point 9)", () => {
  it("calls an outrun offer the same on its page and in its thread, and an amended one superseded", () => {
    const ledger = build([
      ev("AgreementProposed", { agreementId: 1n, networkId: 1n, proposer: HOTEL, previousId: 0n, version: 1, terms: terms(6000) }),
      ev("AgreementProposed", { agreementId: 2n, networkId: 1n, proposer: AIRLINE, previousId: 0n, version: 2, terms: terms(5000) }),
      ev("AgreementCountered", { agreementId: 2n, counteredId: 1n, author: AIRLINE }),
      ev("AgreementActivated", { agreementId: 2n, previousId: 0n }),
      ev("AgreementProposed", { agreementId: 3n, networkId: 1n, proposer: HOTEL, previousId: 2n, version: 3, terms: terms(4000) }),
      ev("AgreementSuperseded", { previousId: 2n, agreementId: 3n }),
      ev("AgreementActivated", { agreementId: 3n, previousId: 2n }),
    ]);
    const phases = [1n, 2n, 3n].map((id) => agreementPhase(ledger, ledger.agreements.get(id)!, 1_750_000_000n));
    expect(phases).toEqual(["closed", "superseded", "active"]);
    expect(phases.map((p) => PHASE_TEXT[p])).toEqual(["Closed (outrun)", "Superseded", "Active"]);
  });
});
