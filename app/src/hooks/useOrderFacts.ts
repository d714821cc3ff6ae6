/**
 * The live contract state an order's preview depends on, read for the agreements in the order: each
 * agreement's view (status, window, vendor pool, who may refer), the referrer's membership of each network,
 * and its referred volume under each tiered agreement. Refreshed every few seconds, so the preview follows
 * payments made meanwhile.
 */
import type { Address } from "viem";
import { useReadContracts } from "wagmi";

import type { LedgerAgreement } from "../../../client/ledger.js";
import { ecoshareAbi } from "../contracts/abis";
import type { AgreementStatus, MemberStatus } from "../lib/enums";
import type { OrderAgreement, ReferrerStanding } from "../lib/order";
import { useDeployment } from "./useDeployment";

export interface OrderFacts {
  /** The agreement with its live state, once read. */
  agreementOf: (a: LedgerAgreement) => OrderAgreement | undefined;
  standingOf: (networkId: bigint) => ReferrerStanding | undefined;
  volumeOf: (a: OrderAgreement) => bigint;
  /** All reads answered. */
  ready: boolean;
  error: Error | undefined;
}

const REFRESH_MS = 4_000;

export function useOrderFacts(agreements: readonly LedgerAgreement[], referrer: Address | undefined): OrderFacts {
  const { deployment } = useDeployment();
  const contract = { address: deployment.ecoshare, abi: ecoshareAbi } as const;
  const ids = [...new Set(agreements.map((a) => a.id))];
  const networks = [...new Set(agreements.map((a) => a.networkId))];
  const tiered = [...new Set(agreements.filter((a) => a.referralTiers.length > 0).map((a) => a.id))];

  const views = useReadContracts({
    contracts: ids.map((id) => ({ ...contract, functionName: "agreement", args: [id] }) as const),
    query: { refetchInterval: REFRESH_MS },
  });
  const memberships = useReadContracts({
    contracts: referrer ? networks.map((id) => ({ ...contract, functionName: "membership", args: [id, referrer] }) as const) : [],
    query: { enabled: Boolean(referrer), refetchInterval: REFRESH_MS },
  });
  const volumes = useReadContracts({
    contracts: referrer ? tiered.map((id) => ({ ...contract, functionName: "referredVolume", args: [id, referrer] }) as const) : [],
    query: { enabled: Boolean(referrer) && tiered.length > 0, refetchInterval: REFRESH_MS },
  });

  const failed = [views, memberships, volumes].flatMap((q) => (q.error ? [q.error] : (q.data ?? []).flatMap((r) => (r.status === "failure" ? [r.error] : []))));
  const ready = views.data !== undefined && (!referrer || memberships.data !== undefined) && (!referrer || tiered.length === 0 || volumes.data !== undefined);

  return {
    agreementOf: (a) => {
      const view = views.data?.[ids.indexOf(a.id)];
      if (view?.status !== "success") return undefined;
      const v = view.result;
      return {
        id: a.id,
        networkId: a.networkId,
        lineageId: v.lineageId,
        asset: a.asset,
        status: v.status as AgreementStatus,
        validFrom: BigInt(v.validFrom),
        validUntil: BigInt(v.validUntil),
        networkFeeBps: v.networkFeeBps,
        referralFeeBps: v.referralFeeBps,
        referralTiers: a.referralTiers,
        referrerRoles: v.referrerRoles,
        holdbackPeriod: v.holdbackPeriod,
        vendorPool: v.vendorPool,
        parties: a.parties,
      };
    },
    standingOf: (networkId) => {
      const read = memberships.data?.[networks.indexOf(networkId)];
      if (read?.status !== "success") return undefined;
      return { role: read.result.role, status: read.result.status as MemberStatus };
    },
    volumeOf: (a) => {
      const read = volumes.data?.[tiered.indexOf(a.id)];
      return read?.status === "success" ? read.result[0] : 0n;
    },
    ready,
    error: failed[0] as Error | undefined,
  };
}
