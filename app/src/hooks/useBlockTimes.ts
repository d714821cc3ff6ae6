/** The timestamps of some blocks (a chart's points), each read once: a mined block's time never changes. */
import { useQueries } from "@tanstack/react-query";
import { useConfig } from "wagmi";

import { useDeployment } from "./useDeployment";
import { getBlock } from "wagmi/actions";

export function useBlockTimes(blockNumbers: readonly bigint[]): Map<bigint, bigint> {
  const config = useConfig();
  const { deployment } = useDeployment();
  const unique = [...new Set(blockNumbers)];
  const results = useQueries({
    queries: unique.map((blockNumber) => ({
      queryKey: ["block-time", deployment.chainId, blockNumber.toString()],
      queryFn: async () => (await getBlock(config, { blockNumber })).timestamp,
      staleTime: Number.POSITIVE_INFINITY,
      gcTime: Number.POSITIVE_INFINITY,
    })),
  });
  const times = new Map<bigint, bigint>();
  results.forEach((r, i) => {
    if (r.data !== undefined) times.set(unique[i]!, r.data);
  });
  return times;
}
