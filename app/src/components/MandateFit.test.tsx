// @vitest-environment jsdom
import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { Address } from "viem";

import type { PartyFitView } from "../lib/mandateFit";
import { MandateFitView } from "./MandateFit";

const HOTEL = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" as Address;
const AIRLINE = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC" as Address;
const TAXI = "0x90F79bf6EB2c4f870365E785982E1f101E93b906" as Address;
const names = new Map([
  [HOTEL, "Hotel"],
  [AIRLINE, "Airline"],
  [TAXI, "Taxi"],
]);
const fits: PartyFitView[] = [
  { account: HOTEL, fits: true, misses: [], state: "accepted-by-mandate", reasons: [] },
  {
    account: AIRLINE,
    fits: false,
    misses: [],
    state: "misses",
    reasons: ["Airline's share is 25%, below Airline's floor of 30%.", "The referral fee 10% is above Airline's limit of 8%."],
  },
  { account: TAXI, fits: false, misses: [], state: "none", reasons: ["Taxi has no mandate for network 1: it accepts by hand."] },
];

describe("the fit of a proposal, as shown", () => {
  it("lists each party's state and one sentence per violated bound", () => {
    render(<MandateFitView fits={fits} title="The parties' mandates" compact={false} name={(a) => names.get(a)!} />);
    const items = screen.getAllByRole("listitem").filter((li) => li.hasAttribute("data-fit"));
    expect(items.map((li) => li.textContent)).toEqual([
      "Hotel: ✓ Accepted by mandate",
      "Airline: ✗ Outside the mandateAirline's share is 25%, below Airline's floor of 30%.The referral fee 10% is above Airline's limit of 8%.",
      "Taxi: No mandate (accepts by hand)",
    ]);
  });

  it("sums a thread's step up in one line, reasons on hover", () => {
    render(<MandateFitView fits={fits} title="" compact name={(a) => names.get(a)!} />);
    expect(screen.getByTestId("mandate-fit-line").textContent).toBe(" · Mandates: Hotel ✓ by mandate, Airline ✗ outside (2 bounds), Taxi no mandate");
    expect(screen.getByText(/Airline ✗ outside/).getAttribute("title")).toBe("Airline's share is 25%, below Airline's floor of 30%. The referral fee 10% is above Airline's limit of 8%.");
  });

  it("says when the mandates cannot be read", () => {
    render(<MandateFitView fits={undefined} error={new Error("HTTP request failed.")} title="Mandates" compact={false} name={String} />);
    expect(screen.getByText(/The mandates could not be read: HTTP request failed\./)).toBeTruthy();
    expect(screen.getByText("Reading the parties' mandates…")).toBeTruthy();
  });
});
