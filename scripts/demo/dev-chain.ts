/**
 * Driving a development node (Hardhat's) over JSON-RPC: sending transactions from its unlocked
 * accounts, one by one or many to a block, and moving its clock. Used by the demo seed and the
 * benchmark; works through any EIP-1193 transport.
 */
import type { Address, Eip1193Transport, Hex } from "../lib/eip1193.js";
import { toQuantity } from "../lib/eip1193.js";
import { rpcRequest } from "../lib/rpc.js";

/** A transaction from one of the node's unlocked accounts. */
export interface DevTransaction {
  from: Address;
  to: Address;
  data: Hex;
  value?: bigint;
  /** Gas limit; estimated by the node when omitted (only when mined one by one). */
  gas?: bigint;
}

interface Receipt {
  status: Hex;
  transactionHash: Hex;
  blockNumber: Hex;
}

export class DevChain {
  readonly transport: Eip1193Transport;

  constructor(transport: Eip1193Transport) {
    this.transport = transport;
  }

  /** Sends `tx` and waits for it to be mined (automine must be on); throws if it reverted. */
  async send(tx: DevTransaction): Promise<Hex> {
    const hash = await this.#submit(tx);
    await this.#checkReceipts([hash]);
    return hash;
  }

  /**
   * Sends every transaction, then mines them together in one block at `timestamp` (or in the few blocks
   * after it, one second apart, if they do not fit in one). Each sender's transactions keep their order
   * (nonces, permits); different senders go in parallel.
   * @throws if any transaction reverted.
   */
  async sendInBlock(txs: readonly DevTransaction[], timestamp: bigint): Promise<Hex[]> {
    if (txs.length === 0) return [];
    await this.request("evm_setAutomine", [false]);
    const hashes = new Array<Hex>(txs.length);
    try {
      const fees = await this.#fees();
      const bySender = new Map<string, number[]>();
      txs.forEach((tx, i) => bySender.set(tx.from.toLowerCase(), [...(bySender.get(tx.from.toLowerCase()) ?? []), i]));
      await Promise.all(
        [...bySender.values()].map(async (indexes) => {
          for (const i of indexes) hashes[i] = await this.#submit(txs[i]!, fees);
        }),
      );
      await this.request("evm_mine", [Number(timestamp)]);
      for (let extra = 1n; (await this.request<Hex[]>("eth_pendingTransactions").catch(() => [])).length > 0; extra++) {
        if (extra > 100n) throw new Error("Transactions are still pending after 100 blocks.");
        await this.request("evm_mine", [Number(timestamp + extra)]);
      }
    } finally {
      await this.request("evm_setAutomine", [true]);
    }
    await this.#checkReceipts(hashes);
    return hashes;
  }

  /** Makes the next block's timestamp `timestamp`. */
  async setNextBlockTimestamp(timestamp: bigint): Promise<void> {
    await this.request("evm_setNextBlockTimestamp", [Number(timestamp)]);
  }

  /** Mines an empty block at `timestamp`. */
  async mine(timestamp: bigint): Promise<void> {
    await this.request("evm_mine", [Number(timestamp)]);
  }

  /** The latest block's timestamp. */
  async latestTimestamp(): Promise<bigint> {
    const block = await this.request<{ timestamp: Hex }>("eth_getBlockByNumber", ["latest", false]);
    return BigInt(block.timestamp);
  }

  request<T>(method: string, params: readonly unknown[] = []): Promise<T> {
    return rpcRequest<T>({ transport: this.transport, method, params, retry: { retries: 2, baseDelayMs: 100 } });
  }

  async #submit(tx: DevTransaction, fees?: { maxFeePerGas: Hex; maxPriorityFeePerGas: Hex }): Promise<Hex> {
    return this.request<Hex>("eth_sendTransaction", [
      {
        from: tx.from,
        to: tx.to,
        data: tx.data,
        ...(tx.value === undefined ? {} : { value: toQuantity(tx.value) }),
        ...(tx.gas === undefined ? {} : { gas: toQuantity(tx.gas) }),
        ...(fees ?? {}),
      },
    ]);
  }

  /** Fee caps well above the current base fee, so a batch never waits on fee estimation. */
  async #fees(): Promise<{ maxFeePerGas: Hex; maxPriorityFeePerGas: Hex }> {
    const block = await this.request<{ baseFeePerGas?: Hex }>("eth_getBlockByNumber", ["latest", false]);
    const baseFee = BigInt(block.baseFeePerGas ?? "0x0");
    const tip = 1_000_000_000n;
    return { maxFeePerGas: toQuantity(baseFee * 2n + tip), maxPriorityFeePerGas: toQuantity(tip) };
  }

  async #checkReceipts(hashes: readonly Hex[]): Promise<void> {
    const receipts = await Promise.all(hashes.map((hash) => this.request<Receipt | null>("eth_getTransactionReceipt", [hash])));
    receipts.forEach((receipt, i) => {
      if (receipt === null) throw new Error(`Transaction ${hashes[i]} was not mined.`);
      if (receipt.status !== "0x1") throw new Error(`Transaction ${hashes[i]} reverted in block ${BigInt(receipt.blockNumber)}.`);
    });
  }
}
