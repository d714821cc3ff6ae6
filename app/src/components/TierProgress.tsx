/** A referrer's loyalty tier under an agreement, and the distance to the next one ("3.2 ETH to the next tier"). */
import type { Address } from "viem";
import { useReadContract } from "wagmi";

import type { ReferralTier } from "../../../client/eip712.js";
import { ecoshareAbi } from "../contracts/abis";
import { useDeployment } from "../hooks/useDeployment";
import { tierProgress, type TierProgress } from "../lib/dynamic";
import { formatAmount, formatBps, type AssetInfo } from "../lib/format";

/**
 * The referrer's progress, from the contract's `referredVolume` (volume per lineage, net of refunds) and the
 * agreement's tiers. Undefined while loading or without a referrer; the base rate when there are no tiers.
 */
export function useReferrerTier(agreementId: bigint, baseBps: number, tiers: readonly ReferralTier[], referrer: Address | undefined): TierProgress | undefined {
  const { deployment } = useDeployment();
  const read = useReadContract({
    address: deployment.ecoshare,
    abi: ecoshareAbi,
    functionName: "referredVolume",
    args: [agreementId, referrer ?? "0x0000000000000000000000000000000000000000"],
    query: { enabled: Boolean(referrer) && tiers.length > 0, refetchInterval: 4_000 },
  });
  if (!referrer) return undefined;
  if (tiers.length === 0) return tierProgress(baseBps, [], 0n);
  if (!read.data) return undefined;
  const [volume] = read.data;
  return tierProgress(baseBps, tiers, volume);
}

export function TierProgressView({ progress: p, info, who = "You" }: { progress: TierProgress; info: Pick<AssetInfo, "symbol" | "decimals">; who?: string }) {
  return (
    <p className="tier-progress" data-testid="tier-progress" data-tier={p.tier}>
      {who === "You" ? "Your" : `${who}'s`} tier: <strong>{p.tier === 0 ? "base rate" : `tier ${p.tier}`}</strong> ({formatBps(p.feeBps)} on the next payment) ·{" "}
      {formatAmount(p.volume, info)} referred ·{" "}
      {p.next ? (
        <span data-testid="tier-distance">
          {formatAmount(p.next.remaining, info)} to the next tier ({formatBps(p.next.feeBps)})
        </span>
      ) : (
        <span>highest tier reached</span>
      )}
      {p.next ? <meter min={0} max={Number(p.next.fromVolume)} value={Number(p.volume)} aria-label="Progress to the next tier" /> : null}
    </p>
  );
}
