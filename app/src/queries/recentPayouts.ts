/**
 * Query options for what the Payouts page shows first when it reads from the RPC and nothing is kept in
 * this browser: the account's balances and collectable amounts from the contract's views, and its newest
 * payouts a page at a time, read backwards from the head (src/lib/recentPayouts.ts). The account's whole
 * part of the log (src/queries/partnerLog.ts) is read after it, for the held payments, tiers and chart.
 */
import { infiniteQueryOptions, queryOptions } from "@tanstack/react-query";
import type { Address } from "viem";
import { getTransactionReceipt, readContract } from "viem/actions";
import { getPublicClient } from "wagmi/actions";

import { buildLedger, type Ledger } from "../../../client/ledger.js";
import { ETH } from "../../../client/protocol.js";
import { ecoshareAbi } from "../contracts/abis";
import type { Deployment } from "../lib/deployment";
import { hasLog } from "../lib/logStore";
import { SETUP_FILTER } from "../lib/partnerLog";
import { rolesOf, summaryFromViews, type PayoutsSummary } from "../lib/payouts";
import { decodeProtocolLog, fetchProtocolEvents, fetchProtocolEventsBackward, toRawLog, type ProtocolEvent } from "../lib/protocolLog";
import { readRecentPayouts, type FeedCursor, type RecentPayoutPage } from "../lib/recentPayouts";
import type { AppConfig } from "../wagmi/config";
import { partnerLogScope } from "./partnerLog";

/**
 * The first window of the backward read: small, since one block of a busy contract can hold a page and
 * more; it doubles while windows come back sparse (the shared `nextRange`).
 */
const FIRST_WINDOW_BLOCKS = 4n;

export type PayoutsStart =
  | { kept: true }
  | {
      kept: false;
      /** The block everything here is read at. */
      toBlock: bigint;
      /** Every network and agreement (the setup events' ledger). */
      setup: Ledger;
    };

function clientOf(config: AppConfig, deployment: Deployment) {
  const client = getPublicClient(config, { chainId: deployment.chainId });
  if (!client) throw new Error(`No RPC client for chain ${deployment.chainId}.`);
  return client;
}

/** The head and the setup events' ledger; nothing when a log is kept. */
export function payoutsStartQueryOptions(config: AppConfig, deployment: Deployment, account: Address) {
  return queryOptions({
    queryKey: ["ecoshare", deployment.chainId, deployment.ecoshare, "payouts-start", account.toLowerCase()],
    queryFn: async (): Promise<PayoutsStart> => {
      const client = clientOf(config, deployment);
      const [kept, toBlock] = await Promise.all([hasLog(deployment, partnerLogScope(account)), client.getBlockNumber({ cacheTime: 0 })]);
      // A kept log is extended with only the new blocks, sooner than this first read.
      if (kept) return { kept: true };
      const events = await fetchProtocolEvents({ client, address: deployment.ecoshare, topics: SETUP_FILTER, fromBlock: deployment.deployBlock, toBlock });
      return { kept: false, toBlock, setup: buildLedger({ events }) };
    },
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
}

/** The account's balances and collectable amounts from the contract's views at the start's head: read beside the newest payouts. */
export function payoutsViewsQueryOptions(config: AppConfig, deployment: Deployment, account: Address, start: PayoutsStart | undefined) {
  const toBlock = start && !start.kept ? start.toBlock : undefined;
  return queryOptions({
    queryKey: ["ecoshare", deployment.chainId, deployment.ecoshare, "payouts-views", account.toLowerCase(), toBlock?.toString()],
    enabled: toBlock !== undefined,
    queryFn: async (): Promise<PayoutsSummary> => {
      if (!start || start.kept) throw new Error("The payouts' first read has not finished.");
      const { setup } = start;
      const client = clientOf(config, deployment);
      const roles = rolesOf(setup, account);
      const assets = new Map<string, Address>([[ETH.toLowerCase(), ETH]]);
      for (const a of setup.agreements.values()) assets.set(a.asset.toLowerCase(), a.asset);
      const view = { address: deployment.ecoshare, abi: ecoshareAbi, blockNumber: start.toBlock } as const;
      const [balances, collectables] = await Promise.all([
        Promise.all([...assets.values()].map(async (asset) => ({ asset, balance: (await readContract(client, { ...view, functionName: "balanceOf", args: [account, asset] })) as bigint }))),
        Promise.all(
          [...roles.keys()].map(async (agreementId) => ({
            agreementId,
            asset: setup.agreements.get(agreementId)!.asset,
            amount: (await readContract(client, { ...view, functionName: "collectable", args: [agreementId, account] })) as bigint,
          })),
        ),
      ]);
      return summaryFromViews(balances, collectables, roles);
    },
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
}

/** The account's payouts newest first, `size` at a time, read backwards from `start.toBlock`. */
export function recentPayoutsQueryOptions(config: AppConfig, deployment: Deployment, account: Address, start: PayoutsStart | undefined, size: number) {
  const toBlock = start && !start.kept ? start.toBlock : undefined;
  return infiniteQueryOptions({
    queryKey: ["ecoshare", deployment.chainId, deployment.ecoshare, "recent-payouts", account.toLowerCase(), toBlock?.toString()],
    enabled: toBlock !== undefined,
    initialPageParam: undefined as FeedCursor | undefined,
    queryFn: ({ pageParam }): Promise<RecentPayoutPage> => {
      if (!start || start.kept) throw new Error("The payouts' first read has not finished.");
      const client = clientOf(config, deployment);
      const address = deployment.ecoshare;
      return readRecentPayouts({
        account,
        setup: start.setup,
        fromBlock: deployment.deployBlock,
        toBlock: start.toBlock,
        before: pageParam,
        size,
        blockRange: FIRST_WINDOW_BLOCKS,
        readBackward: ({ topics, fromBlock, toBlock, blockRange }) => fetchProtocolEventsBackward({ client, address, topics, fromBlock, toBlock, blockRange, targetLogs: size }),
        read: ({ topics, fromBlock, toBlock }) => fetchProtocolEvents({ client, address, topics, fromBlock, toBlock }),
        transactionEvents: async (hash) => {
          const receipt = await getTransactionReceipt(client, { hash });
          const events: ProtocolEvent[] = [];
          for (const log of receipt.logs) {
            if (log.address.toLowerCase() !== address.toLowerCase()) continue;
            const raw = toRawLog(log);
            const event = raw ? decodeProtocolLog(raw) : undefined;
            if (event) events.push(event);
          }
          return events;
        },
      });
    },
    getNextPageParam: (last) => last.before,
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
}
