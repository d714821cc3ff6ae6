import { parseSignature, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { describe, expect, it } from "vitest";

import { splitSignature } from "./signPermit";

describe("splitting a permit signature", () => {
  it("gives the r, s and v viem's parseSignature gives, for both recovery ids", async () => {
    const account = privateKeyToAccount("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
    const vs = new Set<number>();
    for (let i = 0; i < 8; i++) {
      const signature = await account.signMessage({ message: `permit ${i}` });
      const viem = parseSignature(signature);
      const ours = splitSignature(signature);
      expect(ours).toEqual({ r: viem.r, s: viem.s, v: Number(viem.v) });
      vs.add(ours.v);
      // A wallet answering with v as 0/1 means the same signature.
      const low = `${signature.slice(0, 130)}${(ours.v - 27).toString(16).padStart(2, "0")}` as Hex;
      expect(splitSignature(low)).toEqual(ours);
    }
    expect([...vs].every((v) => v === 27 || v === 28)).toBe(true);
  });

  it("refuses a signature that is not 65 bytes, in plain words", () => {
    expect(() => splitSignature("0x1234")).toThrow(/not 65 bytes/);
  });
});
