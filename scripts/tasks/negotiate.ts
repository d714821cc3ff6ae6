/**
 * `npx hardhat negotiate --mandates <file.json> [--parties ana,ben] [--network-id 1] [--network-fee-bps 200]
 * [--asset 0x...] [--min-referral-fee-bps 100]`: the terms in the middle of the parties' mandates, or the
 * bounds that conflict and whose, in plain words (client/negotiator.ts). Exits 1 when they conflict,
 * 2 on bad input.
 *
 * `npx hardhat negotiate --from-chain --network-id 1 --parties 0x...,0x... [--network localhost]` reads the
 * parties' live mandates (`mandateOf`) and the network's fee terms from the deployment on the network instead;
 * a party with no live mandate is named (it accepts by hand) and the command exits 1.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { getAddress, isAddress } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { CliError, EXIT_AUDIT_FAILED } from "../cli/cli-error.js";
import { openNetwork } from "../cli/open-network.js";
import { cliAction, type ActionContext } from "../cli/run-action.js";
import { readTaskRecord } from "../cli/task-record.js";
import type { Address } from "viem";
import { parseMandates } from "../../client/mandate-file.js";
import { readContract } from "../../client/read-contract.js";
import { readMandates } from "../../client/read-mandates.js";
import { ETH } from "../../client/protocol.js";
import { duration, type FixedTerms, type Mandate, negotiate, percent } from "../../client/negotiator.js";

interface NegotiateArgs {
  mandates: string | undefined;
  parties: string | undefined;
  networkId: string | undefined;
  networkFeeBps: number;
  minReferralFeeBps: number;
  asset: string | undefined;
  fromChain: boolean;
  record: string | undefined;
  rpcUrl: string | undefined;
  recordsDir: string;
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

/** The mandates file's mandates of the named parties. */
async function fromFile(args: NegotiateArgs, networkId: bigint | undefined): Promise<Mandate[]> {
  const file = path.resolve(args.mandates!);
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
  return pick(all, args.parties, networkId);
}

/** The named parties' live mandates and the network's fee terms, from the deployment on the network. */
async function fromChain(
  args: NegotiateArgs,
  networkId: bigint | undefined,
  hre: HardhatRuntimeEnvironment,
  context: ActionContext,
): Promise<{ mandates: Mandate[]; missing: Address[]; fee: { feeBps: number; feeRecipient: Address } }> {
  if (networkId === undefined) throw new CliError("--from-chain needs --network-id: the network whose mandates to read.");
  if (args.parties === undefined) throw new CliError("--from-chain needs --parties: the parties' addresses, comma-separated, in party order.");
  const accounts = args.parties.split(",").map((raw) => {
    const value = raw.trim();
    if (!isAddress(value)) throw new CliError(`--parties with --from-chain takes addresses (0x and 40 hex digits), got "${value}".`);
    return getAddress(value) as Address;
  });
  const network = hre.globalOptions.network ?? "localhost";
  const { connection, client, chainId } = await openNetwork({ hre, network, rpcUrl: args.rpcUrl, context });
  try {
    const record = await readTaskRecord({ hre, network, chainId, record: args.record, recordsDir: args.recordsDir });
    const ecoshare = record.contracts.Ecoshare!.address;
    const count = await readContract<bigint>({ client, abi: "ecoshare", address: ecoshare, functionName: "networkCount" });
    if (networkId === 0n || networkId > count) throw new CliError(`Network ${networkId} does not exist on this deployment (it has ${count} networks).`);
    const fee = await readContract<{ feeBps: number; feeRecipient: Address }>({ client, abi: "ecoshare", address: ecoshare, functionName: "network", args: [networkId] });
    const { mandates, missing } = await readMandates({ client, ecoshare, networkId, accounts });
    return { mandates, missing, fee };
  } finally {
    await connection.close();
  }
}

export default cliAction<NegotiateArgs>(async (args, hre, context) => {
  if (args.fromChain && args.mandates !== undefined) throw new CliError("Give either --mandates <file.json> or --from-chain, not both.");
  if (!args.fromChain && args.mandates === undefined) {
    throw new CliError("Give the mandates with --mandates <file.json>, or read the live ones with --from-chain --network-id <id> --parties <addresses>.");
  }
  if (args.networkId !== undefined && !/^\d+$/.test(args.networkId)) throw new CliError(`--network-id must be a whole number, got "${args.networkId}".`);
  if (!Number.isInteger(args.networkFeeBps) || args.networkFeeBps < 0 || args.networkFeeBps > 10_000) throw new CliError(`--network-fee-bps must be from 0 to 10000 basis points, got ${args.networkFeeBps}.`);
  if (!Number.isInteger(args.minReferralFeeBps) || args.minReferralFeeBps < 0 || args.minReferralFeeBps > 10_000) throw new CliError(`--min-referral-fee-bps must be from 0 to 10000 basis points, got ${args.minReferralFeeBps}.`);
  if (args.asset !== undefined && !isAddress(args.asset)) throw new CliError(`--asset must be an address (0x and 40 hex digits), got "${args.asset}".`);

  const networkId = args.networkId === undefined ? undefined : BigInt(args.networkId);
  const fixed: FixedTerms = {
    networkFeeBps: args.networkFeeBps,
    minReferralFeeBps: args.minReferralFeeBps,
    ...(args.asset === undefined ? {} : { asset: getAddress(args.asset) as Address }),
  };
  let mandates: Mandate[];
  if (args.fromChain) {
    const chain = await fromChain(args, networkId, hre, context);
    if (chain.missing.length > 0) {
      for (const account of chain.missing) console.log(`${account} has no live mandate for network ${networkId}: it accepts by hand.`);
      return EXIT_AUDIT_FAILED;
    }
    mandates = chain.mandates;
    Object.assign(fixed, { networkFeeBps: chain.fee.feeBps, feeRecipient: chain.fee.feeRecipient });
  } else {
    mandates = await fromFile(args, networkId);
  }
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
