/** Small fixtures for the unit tests of the pages' rules: terms, event logs (an offer, a counter, an amendment), a signed counter. */
import type { AgreementTerms } from "../../../client/eip712.js";
import { buildLedger, type Ledger } from "../../../client/ledger.js";
import type { SignedCounter } from "./counterStore";
import type { ProtocolEvent } from "./protocolLog";

export const HOTEL = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
export const AIRLINE = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
export const ZERO = "0x0000000000000000000000000000000000000000";

export const terms = (hotel: number, extra: Partial<AgreementTerms> = {}): AgreementTerms => ({
  networkId: 1n,
  asset: ZERO,
  parties: [
    { account: HOTEL, shareBps: hotel },
    { account: AIRLINE, shareBps: 10_000 - hotel },
  ],
  referralFeeBps: 500,
  referralTiers: [],
  referrerRoles: 0,
  networkFeeBps: 100,
  feeRecipient: HOTEL,
  validFrom: 1_700_000_000n,
  validUntil: 1_800_000_000n,
  holdbackPeriod: 0,
  refunder: ZERO,
  termsHash: `0x${"11".repeat(32)}`,
  termsURI: "data:text/plain,x",
  ...extra,
});

export function eventFactory() {
  let block = 0n;
  return (eventName: string, args: Record<string, unknown>) =>
    ({ eventName, args, blockNumber: ++block, transactionHash: `0x${block.toString(16).padStart(64, "0")}`, transactionIndex: 0, logIndex: 0 }) as unknown as ProtocolEvent;
}

export const build = (events: ProtocolEvent[]): Ledger => buildLedger({ events: events as never });

/** A signed counter as the app shares it: numbers past 2^53 (network id, tier threshold, the random uint256 nonce). */
export const signedCounter: SignedCounter = {
  counteredId: "4",
  author: AIRLINE,
  deadline: "1800000000",
  nonce: "98765432109876543210987654321098765432109876543210",
  signature: `0x${"12".repeat(65)}`,
  terms: terms(5000, {
    networkId: 12345678901234567890n,
    referralTiers: [{ fromVolume: 2n * 10n ** 24n, feeBps: 700, holdbackPeriod: 0 }],
    referrerRoles: 5,
    holdbackPeriod: 86400,
    refunder: AIRLINE,
  }),
};
