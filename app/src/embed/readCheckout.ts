/**
 * What the embedded checkout reads from the chain before it can show a split: each agreement's terms and
 * live state (the `OrderAgreement` the shared `planOrder` takes), the referrers' memberships and tier
 * volumes, the assets' symbols and decimals, the chain's time, and each network's metadata (name, logo,
 * colours) from its latest `NetworkCreated` / `NetworkMetadataUpdated` event. No history is replayed: the
 * contract's views answer everything but the metadata.
 */
import { getAbiItem, getAddress, type Address } from "viem";
import { getBlock, getLogs, readContract } from "viem/actions";

import { shareStarts } from "../../../client/split-math.js";
import type { ReadClient } from "../actions/clients";
import { readAssetInfo } from "../actions/readAssetInfo";
import { ecoshareAbi } from "../contracts/abis";
import type { AgreementStatus, MemberStatus } from "../lib/enums";
import type { AssetInfo } from "../lib/format";
import { readMetadata, type NetworkMetadata } from "../lib/networks";
import type { OrderAgreement, ReferrerStanding } from "../lib/order";

export interface CheckoutFacts {
  agreements: Map<bigint, OrderAgreement>;
  /** Keyed by lower-case address. */
  assets: Map<string, AssetInfo>;
  /** The network's metadata; undefined when its events could not be read (co-branding is then left out). */
  networks: Map<bigint, NetworkMetadata | undefined>;
  /** The latest block's timestamp: the contract's clock. */
  now: bigint;
  standingOf: (networkId: bigint, referrer: Address) => ReferrerStanding | undefined;
  volumeOf: (agreement: OrderAgreement, referrer: Address) => bigint;
}

export interface ReadCheckoutFactsParameters {
  ecoshare: Address;
  agreementIds: readonly bigint[];
  /** Every referrer the checkout may credit (the element's and its lines'). */
  referrers: readonly Address[];
  /** Where to start reading the networks' metadata events (the deployment block; 0 by default). */
  fromBlock?: bigint | undefined;
}

const networkCreated = getAbiItem({ abi: ecoshareAbi, name: "NetworkCreated" });
const networkMetadataUpdated = getAbiItem({ abi: ecoshareAbi, name: "NetworkMetadataUpdated" });

export async function readCheckoutFacts(client: ReadClient, { ecoshare, agreementIds, referrers, fromBlock = 0n }: ReadCheckoutFactsParameters): Promise<CheckoutFacts> {
  const contract = { address: ecoshare, abi: ecoshareAbi } as const;
  const ids = [...new Set(agreementIds)];
  const [block, ...agreements] = await Promise.all([
    getBlock(client, { blockTag: "latest" }),
    ...ids.map(async (id): Promise<OrderAgreement> => {
      const [view, parties, tiers] = await Promise.all([
        readContract(client, { ...contract, functionName: "agreement", args: [id] }),
        readContract(client, { ...contract, functionName: "partiesOf", args: [id] }),
        readContract(client, { ...contract, functionName: "referralTiersOf", args: [id] }),
      ]);
      const starts = shareStarts(parties);
      return {
        id,
        networkId: view.networkId,
        lineageId: view.lineageId,
        asset: getAddress(view.asset),
        status: view.status as AgreementStatus,
        validFrom: BigInt(view.validFrom),
        validUntil: BigInt(view.validUntil),
        networkFeeBps: view.networkFeeBps,
        referralFeeBps: view.referralFeeBps,
        referralTiers: tiers.map((t) => ({ fromVolume: t.fromVolume, feeBps: t.feeBps, holdbackPeriod: t.holdbackPeriod })),
        referrerRoles: view.referrerRoles,
        holdbackPeriod: view.holdbackPeriod,
        vendorPool: view.vendorPool,
        parties: parties.map((p, i) => ({ account: getAddress(p.account), shareBps: p.shareBps, shareStart: starts[i]!, collected: 0n })),
      };
    }),
  ]);
  const byId = new Map(agreements.map((a) => [a.id, a]));
  const networkIds = [...new Set(agreements.map((a) => a.networkId))];
  const who = [...new Set(referrers.map((r) => getAddress(r)))];

  const [assets, networks, standings, volumes] = await Promise.all([
    Promise.all([...new Set(agreements.map((a) => a.asset))].map((asset) => readAssetInfo(client, asset))),
    Promise.all(networkIds.map((id) => readNetworkMetadata(client, ecoshare, id, fromBlock))),
    Promise.all(
      networkIds.flatMap((networkId) =>
        who.map(async (referrer) => {
          const m = await readContract(client, { ...contract, functionName: "membership", args: [networkId, referrer] });
          return [`${networkId}:${referrer}`, { role: m.role, status: m.status as MemberStatus }] as const;
        }),
      ),
    ),
    Promise.all(
      agreements
        .filter((a) => a.referralTiers.length > 0)
        .flatMap((a) =>
          who.map(async (referrer) => {
            const [volume] = await readContract(client, { ...contract, functionName: "referredVolume", args: [a.id, referrer] });
            return [`${a.id}:${referrer}`, volume] as const;
          }),
        ),
    ),
  ]);
  const standingMap = new Map<string, ReferrerStanding>(standings);
  const volumeMap = new Map<string, bigint>(volumes);
  return {
    agreements: byId,
    assets: new Map(assets.map((info) => [info.address.toLowerCase(), info])),
    networks: new Map(networkIds.map((id, i) => [id, networks[i]])),
    now: block.timestamp,
    standingOf: (networkId, referrer) => standingMap.get(`${networkId}:${getAddress(referrer)}`),
    volumeOf: (a, referrer) => volumeMap.get(`${a.id}:${getAddress(referrer)}`) ?? 0n,
  };
}

/** The network's latest metadata URI, read; undefined when the node would not give its events. */
async function readNetworkMetadata(client: ReadClient, ecoshare: Address, networkId: bigint, fromBlock: bigint): Promise<NetworkMetadata | undefined> {
  try {
    const [created, updated] = await Promise.all([
      getLogs(client, { address: ecoshare, event: networkCreated, args: { networkId }, fromBlock, toBlock: "latest" }),
      getLogs(client, { address: ecoshare, event: networkMetadataUpdated, args: { networkId }, fromBlock, toBlock: "latest" }),
    ]);
    const uri = updated.at(-1)?.args.metadataURI ?? created.at(-1)?.args.metadataURI;
    return uri === undefined ? undefined : readMetadata(uri);
  } catch {
    // Co-branding is a nicety: a node that refuses the range leaves the checkout plain, never broken.
    return undefined;
  }
}
