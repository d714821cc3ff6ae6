/**
 * The chain's current time: the latest block's timestamp, kept live. The contract judges validity windows
 * and holdbacks by block time, which can differ from the browser's clock (a test chain moved forward, a
 * computer's clock off by minutes), so the app judges them by it too. Until the first block arrives the
 * browser's clock stands in.
 */
import { useBlock } from "wagmi";

export function useChainTime(): bigint {
  const block = useBlock({ watch: true, query: { staleTime: 0 } });
  return block.data?.timestamp ?? BigInt(Math.floor(Date.now() / 1000));
}
