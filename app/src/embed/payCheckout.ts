/**
 * Pays what the embedded checkout shows, with the app's own actions: one agreement by `pay` (ETH as value,
 * a token by permit in the same transaction) or several lines by `payOrder`; a token without a permit is
 * approved first, in one batched confirmation when the wallet supports EIP-5792 atomic batches, else in two
 * explained steps. Returns the transaction receipt and the lines it paid, read from its events.
 */
import { erc20Abi, type Address, type Hash, type Hex, type TransactionReceipt } from "viem";

import type { ActionClients } from "../actions/clients";
import { paymentWrite } from "../actions/payAgreement";
import { prepareOrderTokens } from "../actions/prepareOrderTokens";
import { sendBatchedCalls, supportsAtomicBatch } from "../actions/sendBatchedCalls";
import { sendContractTransaction, type ContractWrite, type TxPhase } from "../actions/sendContractTransaction";
import { ecoshareAbi } from "../contracts/abis";
import { NATIVE_ASSET, shortAddress, type AssetInfo } from "../lib/format";
import { payOrderCall, tokenPulls, type OrderPlan } from "../lib/order";
import { paidLinesOf, type PaidLine } from "../lib/paidLines";

export interface PayCheckoutParameters {
  ecoshare: Address;
  chainId: number;
  plan: OrderPlan;
  /** Pay the single line with `pay` rather than `payOrder`. */
  single: boolean;
  /** The order reference as typed (1 to 31 ASCII characters) and as bytes32 (the shared encoding). */
  orderRefText: string;
  orderRef: Hex;
  refundTo: Address | undefined;
  infoOf: (asset: Address) => AssetInfo | undefined;
  /** Seconds since the epoch (chain time) after which a permit is void. */
  deadline: bigint;
}

export interface PayCheckoutHooks {
  /** A sentence for the customer about the step under way ("Step 1 of 2: approve dUSD…"). */
  onStep?: (text: string | undefined) => void;
  onPhase?: (phase: TxPhase, hash?: Hash) => void;
}

export interface PayCheckoutReturnType {
  receipt: TransactionReceipt;
  lines: PaidLine[];
}

export async function payCheckout(clients: ActionClients, p: PayCheckoutParameters, { onStep, onPhase }: PayCheckoutHooks = {}): Promise<PayCheckoutReturnType> {
  const owner = clients.walletClient.account.address;
  const pulls = tokenPulls(p.plan).map((pull) => ({ ...pull, ...(p.infoOf(pull.token) ?? { symbol: shortAddress(pull.token), decimals: 0 }) }));
  if (pulls.length > 0) onStep?.("Checking your balances; a token with a permit asks for a signature (no gas).");
  const tokens = await prepareOrderTokens(clients, { owner, spender: p.ecoshare, value: p.plan.value, pulls, deadline: p.deadline });

  let write: ContractWrite;
  if (p.single) {
    const line = p.plan.lines[0]!;
    write = paymentWrite({
      ecoshare: p.ecoshare,
      agreementId: line.agreement.id,
      asset: line.agreement.asset,
      amount: line.amount,
      referrer: line.referrer === NATIVE_ASSET ? undefined : line.referrer,
      // Checked 1 to 31 ASCII characters: paymentWrite's bytes are the shared order-ref encoding's.
      orderRef: p.orderRefText,
      refundTo: p.refundTo,
      permit: tokens.permits[0],
    });
  } else {
    const call = payOrderCall(p.plan);
    write = { address: p.ecoshare, abi: ecoshareAbi, functionName: "payOrder", args: [call.lines, p.orderRef, p.refundTo ?? NATIVE_ASSET, tokens.permits], value: call.value };
  }

  const approvals: ContractWrite[] = tokens.approvals.map((a) => ({ address: a.token, abi: erc20Abi, functionName: "approve", args: [p.ecoshare, a.amount] }));
  let receipt: TransactionReceipt;
  if (approvals.length > 0 && (await supportsAtomicBatch(clients.walletClient, p.chainId))) {
    const symbols = tokens.approvals.map((a) => a.symbol).join(" and ");
    onStep?.(`One confirmation: your wallet approves ${symbols} and pays in one batch.`);
    receipt = await sendBatchedCalls(clients, [...approvals, write], { onPhase });
  } else {
    const steps = approvals.length + 1;
    for (const [i, approval] of approvals.entries()) {
      onStep?.(`Step ${i + 1} of ${steps}: approve ${tokens.approvals[i]!.symbol} (your wallet cannot approve and pay in one go), then you pay.`);
      await sendContractTransaction(clients, approval, { onPhase });
    }
    onStep?.(steps > 1 ? `Step ${steps} of ${steps}: pay.` : undefined);
    receipt = await sendContractTransaction(clients, write, { onPhase });
  }
  const terms = new Map(p.plan.lines.map((l) => [l.agreement.id, l.agreement]));
  const lines = paidLinesOf({
    logs: receipt.logs,
    ecoshare: p.ecoshare,
    termsOf: (id) => {
      const a = terms.get(id);
      if (!a) throw new Error(`The transaction paid agreement #${id}, which this checkout did not show.`);
      return a;
    },
  });
  onStep?.(undefined);
  return { receipt, lines };
}
