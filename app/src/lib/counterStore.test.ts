// @vitest-environment jsdom
import { describe, expect, it } from "vitest";

import { parseCounter, readCounters, saveCounter, serializeCounter } from "./counterStore";
import { signedCounter } from "./issue13.fixtures";

const counter = signedCounter;

describe("signed counter-proposals kept in the browser", () => {
  it("survive JSON (bigints included) and are stored per countered version", () => {
    expect(parseCounter(serializeCounter(counter))).toEqual(counter);
    saveCounter(31337, "0x5FbDB2315678afecb367f032d93F642f64180aa3", counter);
    expect(readCounters(31337, "0x5FbDB2315678afecb367f032d93F642f64180aa3", 4n)).toEqual([counter]);
    expect(readCounters(31337, "0x5FbDB2315678afecb367f032d93F642f64180aa3", 5n)).toEqual([]);
  });

  it("refuses text that is not a signed counter-proposal", () => {
    expect(() => parseCounter('{"signer":"0x1"}')).toThrow(/No signed counter-proposal/);
  });
});
