/**
 * `npx hardhat negotiate --mandates <file.json> [--parties ana,ben] [--network-id 1] [--network-fee-bps 200]
 * [--asset 0x...] [--min-referral-fee-bps 100]`: the terms in the middle of the parties' mandates, or the
 * bounds that conflict and whose, in plain words (scripts/lib/negotiator.ts). Exits 1 when they conflict,
 * 2 on bad input.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { getAddress, isAddress } from "ethers";

import { CliError, EXIT_AUDIT_FAILED } from "../cli/cli-error.js";
import { cliAction } from "../cli/run-action.js";
import type { Address } from "../lib/eip1193.js";
import { parseMandates } from "../lib/mandate-file.js";
import { ETH } from "../lib/protocol.js";
import { duration, type FixedTerms, type Mandate, negotiate, percent } from "../lib/negotiator.js";

interface NegotiateArgs {
  mandates: string | undefined;
  parties: string | undefined;
  networkId: string | undefined;
  networkFeeBps: number;
  minReferralFeeBps: number;
  asset: string | undefined;
}

/** The mandates of the named parties (labels or addresses), in the order named. */
function pick(all: readonly Mandate[], parties: string | undefined, networkId: bigint | undefined): Mandate[] {
  const inNetwork = networkId === undefined ? all : all.filter((m) => m.networkId === networkId);
  if (parties === undefined) return [...inNetwork];
  return parties.split(",").map((raw) => {
    const name = raw.trim();
    if (name === "") throw new CliError(`--parties has an empty name: list labels or addresses separated by commas, e.g. --parties ana,ben.`);
    const found = inNetwork.find((m) => m.label?.toLowerCase() === name.toLowerCase() || m.account.toLowerCase() === name.toLowerCase());
    if (found === undefined) {
      throw new CliError(`No mandate for "${name}"${networkId === undefined ? "" : ` in network ${networkId}`} in the mandates file; known: ${inNetwork.map((m) => m.label ?? m.account).join(", ") || "none"}.`);
    }
    return found;
  });
}

export default cliAction<NegotiateArgs>(async (args) => {
  if (args.mandates === undefined) {
    throw new CliError("Give the mandates with --mandates <file.json> (reading live mandates from the chain needs the mandate contracts, not yet deployed).");
  }
  if (args.networkId !== undefined && !/^\d+$/.test(args.networkId)) throw new CliError(`--network-id must be a whole number, got "${args.networkId}".`);
  if (!Number.isInteger(args.networkFeeBps) || args.networkFeeBps < 0 || args.networkFeeBps > 10_000) throw new CliError(`--network-fee-bps must be from 0 to 10000 basis points, got ${args.networkFeeBps}.`);
  if (!Number.isInteger(args.minReferralFeeBps) || args.minReferralFeeBps < 0 || args.minReferralFeeBps > 10_000) throw new CliError(`--min-referral-fee-bps must be from 0 to 10000 basis points, got ${args.minReferralFeeBps}.`);
  if (args.asset !== undefined && !isAddress(args.asset)) throw new CliError(`--asset must be an address (0x and 40 hex digits), got "${args.asset}".`);

  const file = path.resolve(args.mandates);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new CliError(`Cannot read the mandates file ${file}: check the path.`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new CliError(`The mandates file ${file} is not valid JSON (${(error as Error).message}).`);
  }
  let all: Mandate[];
  try {
    all = parseMandates(document);
  } catch (error) {
    throw new CliError(`In ${file}, ${(error as Error).message}`);
  }
  const networkId = args.networkId === undefined ? undefined : BigInt(args.networkId);
  const mandates = pick(all, args.parties, networkId);
  const fixed: FixedTerms = {
    networkFeeBps: args.networkFeeBps,
    minReferralFeeBps: args.minReferralFeeBps,
    ...(args.asset === undefined ? {} : { asset: getAddress(args.asset) as Address }),
  };
  const now = BigInt(Math.floor(Date.now() / 1000));
  const result = negotiate({ mandates, fixed, now });
  const names = mandates.map((m) => m.label ?? m.account).join(", ");
  if (!result.ok) {
    console.log(`No terms satisfy every mandate of ${names}:`);
    for (const c of result.conflicts) console.log(`  - ${c.message}`);
    return EXIT_AUDIT_FAILED;
  }
  const t = result.terms;
  console.log(`Terms inside every mandate of ${names} (network ${t.networkId}):`);
  for (const [i, p] of t.parties.entries()) console.log(`  ${mandates[i]!.label ?? p.account}: ${percent(p.shareBps)} of the vendor pool`);
  console.log(`  referral fee ${percent(t.referralFeeBps)}, network fee ${percent(t.networkFeeBps)}`);
  console.log(`  holdback ${duration(t.holdbackPeriod)}${t.holdbackPeriod === 0 ? "" : ` (refunder ${t.refunder})`}`);
  console.log(`  asset ${t.asset === ETH ? "ETH" : t.asset}, valid ${duration(Number(t.validUntil - t.validFrom))} from ${new Date(Number(t.validFrom) * 1000).toISOString()}`);
  return 0;
});
