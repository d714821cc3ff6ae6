/**
 * What the checkout checks before the wallet is asked, and the likely reason it names when a node refuses a
 * payment without one. Framework-free: the page passes what it read (balance, allowance, chain time).
 */
import { formatAmount, type AssetInfo } from "./format";

export interface FundsCheckParameters {
  amount: bigint;
  /** What the payer holds of the asset; undefined while it loads. */
  held: bigint | undefined;
  info: Pick<AssetInfo, "symbol" | "decimals">;
  /** ETH payments also need gas: ETH the payer must keep beyond the amount. */
  gasReserve?: bigint;
}

/** Why the payer cannot pay `amount` from what it holds; undefined when it can (or while the balance loads). */
export function fundsProblem({ amount, held, info, gasReserve = 0n }: FundsCheckParameters): string | undefined {
  if (held === undefined) return undefined;
  if (held < amount) {
    return `You hold ${formatAmount(held, info)}: not enough for a payment of ${formatAmount(amount, info)}.`;
  }
  if (held < amount + gasReserve) {
    return `You hold ${formatAmount(held, info)}: after ${formatAmount(amount, info)} nothing would be left for the transaction's gas. Pay a little less.`;
  }
  return undefined;
}

/** ETH kept aside for gas when checking an ETH payment against the balance (a payment costs well under this). */
export const GAS_RESERVE_WEI = 10n ** 15n;

/** The first known problem of a payment, in the order the contract checks them; undefined when none is known. */
export function likelyPaymentProblem(problems: readonly (string | undefined)[]): string | undefined {
  return problems.find((p) => p !== undefined);
}
