/** An ethers log turned into the shared client's raw log (client/decode-events.ts's input). */
import type { Address, Hex } from "viem";

export function rawLog(log: {
  address: string;
  topics: readonly string[];
  data: string;
  blockNumber: number;
  blockHash: string;
  transactionHash: string;
  transactionIndex: number;
  index: number;
}) {
  return {
    address: log.address as Address,
    topics: log.topics as Hex[],
    data: log.data as Hex,
    blockNumber: BigInt(log.blockNumber),
    blockHash: log.blockHash as Hex,
    transactionHash: log.transactionHash as Hex,
    transactionIndex: log.transactionIndex,
    logIndex: log.index,
  };
}
