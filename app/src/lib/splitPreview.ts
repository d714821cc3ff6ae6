/**
 * The split preview's rule for the parties, shared by the app's checkout pages and the embeddable checkout:
 * what each party's collectable rises by when `vendorShare` joins a pool that held `vendorPoolBefore`
 * (the shared `openEntitlement`, so rounding matches what the contract will let each party claim).
 */
import type { Address } from "viem";

import { openEntitlement } from "../../../client/split-math.js";

export interface PartyGainsParameters {
  parties: readonly { account: Address; shareBps: number }[];
  vendorPoolBefore: bigint;
  vendorShare: bigint;
}

export function partyGains({ parties, vendorPoolBefore, vendorShare }: PartyGainsParameters): { account: Address; shareBps: number; gain: bigint }[] {
  return parties.map((p) => ({
    account: p.account,
    shareBps: p.shareBps,
    gain: openEntitlement({ vendorPool: vendorPoolBefore + vendorShare, shareBps: p.shareBps }) - openEntitlement({ vendorPool: vendorPoolBefore, shareBps: p.shareBps }),
  }));
}
