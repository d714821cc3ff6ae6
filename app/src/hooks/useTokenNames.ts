/** The deployment's tokens by their symbols ("dUSD"), read from the tokens, for sentences people read. */
import { useMemo } from "react";
import type { Address } from "viem";

import { useAssetInfos } from "./useAssetInfo";
import { useDeployment } from "./useDeployment";

export function useTokenNames(): Record<string, Address> {
  const { deployment } = useDeployment();
  const infos = useAssetInfos(Object.values(deployment.tokens));
  const symbols = Object.values(deployment.tokens).map((a) => infos.get(a.toLowerCase())?.symbol ?? "").join(",");
  // Rebuilt only when a symbol arrives, so the sentences are not recomputed at every render.
  return useMemo(
    () => Object.fromEntries(Object.entries(deployment.tokens).map(([name, a]) => [infos.get(a.toLowerCase())?.symbol ?? name, a])),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [deployment.tokens, symbols],
  );
}
