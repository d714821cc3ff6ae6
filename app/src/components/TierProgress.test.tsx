// @vitest-environment jsdom
import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { tierProgress } from "../lib/dynamic";
import { TierProgressView } from "./TierProgress";

const ETH = 10n ** 18n;
const info = { symbol: "ETH", decimals: 18 };
const tiers = [
  { fromVolume: 10n * ETH, feeBps: 700, holdbackPeriod: 0 },
  { fromVolume: 20n * ETH, feeBps: 900, holdbackPeriod: 0 },
];

describe("the tier progress", () => {
  it("says how far the next tier is", () => {
    render(<TierProgressView progress={tierProgress(500, tiers, 68n * ETH / 10n)} info={info} />);
    expect(screen.getByTestId("tier-distance").textContent).toBe("3.2 ETH to the next tier (7%)");
    expect(screen.getByTestId("tier-progress").textContent).toMatch(/Your tier: base rate \(5% on the next payment\)/);
  });

  it("says when the highest tier is reached", () => {
    render(<TierProgressView progress={tierProgress(500, tiers, 25n * ETH)} info={info} who="The referrer" />);
    expect(screen.getByTestId("tier-progress").textContent).toMatch(/The referrer's tier: tier 2 \(9% on the next payment\).*highest tier reached/);
  });
});
