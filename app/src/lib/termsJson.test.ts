// @vitest-environment jsdom
import { describe, expect, it } from "vitest";

import { parseCounter, serializeCounter } from "./counterStore";
import { signedCounter } from "./issue13.fixtures";
import { termsFromJson, termsToJson } from "./termsJson";

const counter = signedCounter;

describe("copied counter-proposals are plain JSON that round-trips (issue 13, point 9)", () => {
  it("writes bigints as decimal strings, with no `n` suffix, and reads back the same terms", () => {
    const text = serializeCounter(counter);
    expect(text).not.toMatch(/\d+n"/);
    const json = JSON.parse(text) as { nonce: string; author: string; terms: { networkId: string; validFrom: string; referralTiers: { fromVolume: string }[]; referrerRoles: number } };
    expect(json.nonce).toBe("98765432109876543210987654321098765432109876543210");
    expect(json.author).toBe(counter.author);
    expect(json.terms.referrerRoles).toBe(5);
    expect(json.terms.networkId).toBe("12345678901234567890");
    expect(json.terms.referralTiers[0]!.fromVolume).toBe("2000000000000000000000000");
    expect(parseCounter(text)).toEqual(counter);
    expect(termsFromJson(JSON.parse(JSON.stringify(termsToJson(counter.terms))))).toEqual(counter.terms);
  });

  it("still reads a counter copied by the older app (`\"1n\"` strings)", () => {
    const old = JSON.stringify(counter, (_, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));
    expect(parseCounter(old)).toEqual(counter);
  });

  it("names the field that is wrong", () => {
    const broken = { ...JSON.parse(serializeCounter(counter)), terms: { ...termsToJson(counter.terms), validUntil: "soon" } };
    expect(() => parseCounter(JSON.stringify(broken))).toThrow("No signed counter-proposal found (validUntil is not a whole number.): paste the JSON its author shared.");
    expect(() => parseCounter("not json")).toThrow(/the text is not JSON/);
    const { nonce: _nonce, ...withoutNonce } = JSON.parse(serializeCounter(counter)) as Record<string, unknown>;
    expect(() => parseCounter(JSON.stringify(withoutNonce))).toThrow("(nonce is not a whole number.)");
  });
});
