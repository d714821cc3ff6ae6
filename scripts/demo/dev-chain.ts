/**
 * Driving a development node (Hardhat's) over JSON-RPC: sending transactions from its unlocked
 * accounts, one by one or many to a block, and moving its clock. Used by the demo seed and the
 * benchmarks (bench/load.ts, app/bench/seedPayments.ts); works through any viem client (client/rpc-client.ts).
 *
 * No transaction it sends may ask for more gas than EIP-7825's cap (16,777,216): it refuses one that
 * does, before sending, and {@link DevChain.gasBatches} cuts a long list of work into transactions that
 * fit, estimating each batch.
 */
import { numberToHex, type Address, type Hex } from "viem";

import { rpcRequest, type RpcClient } from "../../client/rpc-client.js";

/** A transaction from one of the node's unlocked accounts. */
export interface DevTransaction {
  from: Address;
  to: Address;
  data: Hex;
  value?: bigint;
  /** Gas limit; estimated by the node when omitted (only when mined one by one). */
  gas?: bigint;
}

/** EIP-7825: the most gas one transaction may ask for. */
export const TX_GAS_CAP = 16_777_216n;

/** Transactions submitted at once by {@link DevChain.sendInBlock}. */
const IN_FLIGHT = 64;

interface Receipt {
  status: Hex;
  transactionHash: Hex;
  blockNumber: Hex;
}

export class DevChain {
  readonly client: RpcClient;
  /** The most gas a transaction may ask for: EIP-7825's cap unless a test asks for less. */
  readonly gasCap: bigint;

  constructor(client: RpcClient, { gasCap = TX_GAS_CAP }: { gasCap?: bigint } = {}) {
    if (gasCap > TX_GAS_CAP) throw new Error(`gasCap cannot exceed EIP-7825's cap of ${TX_GAS_CAP} gas.`);
    this.client = client;
    this.gasCap = gasCap;
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
   * (nonces, permits: each gets the next nonce of its sender); they are submitted many at a time.
   * @throws if any transaction asks for more than the gas cap (before sending any) or reverted.
   */
  async sendInBlock(txs: readonly DevTransaction[], timestamp: bigint): Promise<Hex[]> {
    if (txs.length === 0) return [];
    txs.forEach((tx) => this.#checkGas(tx, true));
    await this.request("evm_setAutomine", [false]);
    const hashes = new Array<Hex>(txs.length);
    try {
      const fees = await this.#fees();
      const nonces = new Map<string, number>();
      for (const sender of new Set(txs.map((tx) => tx.from.toLowerCase()))) {
        nonces.set(sender, Number(BigInt(await this.request<Hex>("eth_getTransactionCount", [sender, "pending"]))));
      }
      const withNonces = txs.map((tx) => {
        const sender = tx.from.toLowerCase();
        const nonce = nonces.get(sender)!;
        nonces.set(sender, nonce + 1);
        return { tx, nonce };
      });
      for (let from = 0; from < withNonces.length; from += IN_FLIGHT) {
        await Promise.all(withNonces.slice(from, from + IN_FLIGHT).map(async ({ tx, nonce }, k) => (hashes[from + k] = await this.#submit(tx, fees, nonce))));
      }
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

  /** The gas `tx` would use now (eth_estimateGas at the latest block). */
  async estimateGas(tx: DevTransaction): Promise<bigint> {
    const { gas: _gas, ...request } = this.#request(tx);
    return BigInt(await this.request<Hex>("eth_estimateGas", [request, "latest"]));
  }

  /**
   * Cuts `items` into transactions (`toTransaction` makes one from a batch) that each ask for at most the
   * gas cap: each batch is estimated, its limit set to the estimate plus a fifth (state may move before it
   * is mined; contracts instrumented for coverage cost more, the estimate sees that too), and a batch over
   * the cap is cut down in proportion and estimated again. The first batch tries `firstBatch` items; later
   * ones start from what the previous one fitted.
   * @throws when one item alone needs more than the cap.
   */
  async gasBatches<T>(items: readonly T[], toTransaction: (batch: T[]) => DevTransaction, { firstBatch = 200 }: { firstBatch?: number } = {}): Promise<DevTransaction[]> {
    const txs: DevTransaction[] = [];
    let size = firstBatch;
    for (let from = 0; from < items.length; ) {
      const batch = items.slice(from, from + size);
      const tx = toTransaction(batch);
      const gas = ((await this.estimateGas(tx)) * 6n) / 5n;
      if (gas > this.gasCap) {
        if (batch.length === 1) throw new Error(`One item alone needs ${gas} gas, over the cap of ${this.gasCap}.`);
        size = Math.max(1, Math.min(batch.length - 1, Math.floor((batch.length * Number(this.gasCap)) / Number(gas))));
        continue;
      }
      txs.push({ ...tx, gas });
      from += batch.length;
      size = Math.max(size, batch.length);
    }
    return txs;
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
    // A sent transaction is never sent again: after a timeout it may be in the pool already.
    return rpcRequest<T>(this.client, method, params, method === "eth_sendTransaction" ? { retryCount: 0 } : {});
  }

  async #submit(tx: DevTransaction, fees?: { maxFeePerGas: Hex; maxPriorityFeePerGas: Hex }, nonce?: number): Promise<Hex> {
    this.#checkGas(tx, false);
    return this.request<Hex>("eth_sendTransaction", [{ ...this.#request(tx), ...(fees ?? {}), ...(nonce === undefined ? {} : { nonce: numberToHex(BigInt(nonce)) }) }]);
  }

  #request(tx: DevTransaction) {
    return {
      from: tx.from,
      to: tx.to,
      data: tx.data,
      ...(tx.value === undefined ? {} : { value: numberToHex(tx.value) }),
      ...(tx.gas === undefined ? {} : { gas: numberToHex(tx.gas) }),
    };
  }

  /** Refuses a transaction that asks for more than the cap, or (batched) asks for nothing: the node would fill in its block's limit. */
  #checkGas(tx: DevTransaction, batched: boolean): void {
    if (tx.gas === undefined) {
      if (batched) throw new Error(`A transaction to ${tx.to} sent in a batch needs a gas limit: the node would estimate it against the wrong state.`);
      return;
    }
    if (tx.gas > this.gasCap) throw new Error(`A transaction to ${tx.to} asks for ${tx.gas} gas, over the cap of ${this.gasCap} (EIP-7825): split it (DevChain.gasBatches).`);
  }

  /** Fee caps well above the current base fee, so a batch never waits on fee estimation. */
  async #fees(): Promise<{ maxFeePerGas: Hex; maxPriorityFeePerGas: Hex }> {
    const block = await this.request<{ baseFeePerGas?: Hex }>("eth_getBlockByNumber", ["latest", false]);
    const baseFee = BigInt(block.baseFeePerGas ?? "0x0");
    const tip = 1_000_000_000n;
    return { maxFeePerGas: numberToHex(baseFee * 2n + tip), maxPriorityFeePerGas: numberToHex(tip) };
  }

  async #checkReceipts(hashes: readonly Hex[]): Promise<void> {
    const receipts = await Promise.all(hashes.map((hash) => this.request<Receipt | null>("eth_getTransactionReceipt", [hash])));
    receipts.forEach((receipt, i) => {
      if (receipt === null) throw new Error(`Transaction ${hashes[i]} was not mined.`);
      if (receipt.status !== "0x1") throw new Error(`Transaction ${hashes[i]} reverted in block ${BigInt(receipt.blockNumber)}.`);
    });
  }
}
