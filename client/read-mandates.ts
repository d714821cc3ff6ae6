/**
 * The parties' live mandates, read from the contract (`mandateOf`): what the `negotiate` command and the app
 * hand to the negotiator when the mandates are on chain rather than in a file.
 */
import type { Address } from "viem";

import type { MandateStruct } from "./eip712.js";
import { partyMandate, type Mandate } from "./negotiator.js";
import { readContract } from "./read-contract.js";
import type { AtBlock, RpcClient } from "./rpc-client.js";

export type ReadMandatesParameters = {
  client: RpcClient;
  ecoshare: Address;
  networkId: bigint;
  /** The parties, in party order. */
  accounts: readonly Address[];
  /** Display names by account, for the negotiator's messages. */
  labels?: ReadonlyMap<string, string>;
  blockTag?: AtBlock;
};

export interface ReadMandatesReturnType {
  /** The live mandates, in the order of `accounts`. */
  mandates: Mandate[];
  /** The accounts with no live mandate for the network (none set, revoked, expired or not an active member). */
  missing: Address[];
}

/** Each account's mandate for `networkId`, if live now. */
export async function readMandates({ client, ecoshare, networkId, accounts, labels, blockTag = "latest" }: ReadMandatesParameters): Promise<ReadMandatesReturnType> {
  const mandates: Mandate[] = [];
  const missing: Address[] = [];
  for (const account of accounts) {
    const [mandate, , live] = await readContract<[MandateStruct, bigint, boolean]>({ client, abi: "ecoshare", address: ecoshare, functionName: "mandateOf", args: [networkId, account], blockTag });
    if (!live) {
      missing.push(account);
      continue;
    }
    mandates.push(partyMandate(mandate, account, labels?.get(account.toLowerCase())));
  }
  return { mandates, missing };
}
