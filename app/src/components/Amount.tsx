import type { Address } from "viem";

import { useAssetInfo } from "../hooks/useAssetInfo";
import { formatAmount } from "../lib/format";

/** An amount in base units of `asset`, shown with the token's symbol and decimals read from the chain. */
export function Amount({ value, asset }: { value: bigint; asset: Address }) {
  const info = useAssetInfo(asset);
  if (!info.data) return <span className="amount">{value.toString()} …</span>;
  return <span className="amount">{formatAmount(value, info.data)}</span>;
}
