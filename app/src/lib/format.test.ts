import { describe, expect, it } from "vitest";

import { formatAmount, formatBps, formatNumber, shortAddress } from "./format";

describe("format", () => {
  it("shortens a checksummed address", () => {
    expect(shortAddress("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266")).toBe("0xf39F…2266");
  });

  it("shows amounts with the token's decimals and symbol", () => {
    expect(formatAmount(1_234_500_000n, { symbol: "dUSD", decimals: 6 })).toBe("1,234.5 dUSD");
    expect(formatAmount(10n ** 18n, { symbol: "ETH", decimals: 18 })).toBe("1 ETH");
    expect(formatAmount(0n, { symbol: "ETH", decimals: 18 })).toBe("0 ETH");
  });

  it("never rounds a tiny amount to a false zero", () => {
    expect(formatNumber(1n, 18, 6)).toBe("< 0.000001");
  });

  it("formats basis points as a percentage", () => {
    expect(formatBps(250)).toBe("2.5%");
    expect(formatBps(1000)).toBe("10%");
    expect(formatBps(1)).toBe("0.01%");
  });
});
