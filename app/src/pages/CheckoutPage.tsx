/**
 * The checkout: the customer builds an order from several active agreements (any network, ETH and tokens
 * mixed), each line with its amount, under one referrer from the referral link (`#/checkout?ref=0x…`), sees
 * each line's exact split (the Pay page's preview) and the totals per asset, and pays everything in one
 * `payOrder` transaction: ETH as value, each token by a permit where it has one, else approved first.
 */
import { useState, type FormEvent } from "react";
import { getAddress, isAddress, type Address, type Hash } from "viem";
import { useConfig } from "wagmi";

import type { Ledger, LedgerAgreement } from "../../../client/ledger.js";
import { InsufficientFundsError, prepareOrderTokens, type PrepareOrderTokensReturnType } from "../actions/prepareOrderTokens";
import { wagmiClients } from "../actions/wagmiClients";
import { AddressView } from "../components/AddressView";
import { useWalletReady } from "../components/ChainGuard";
import { OrderReceiptView } from "../components/OrderReceiptView";
import { Empty, ErrorNotice, Loading } from "../components/States";
import { TxStatus } from "../components/TxStatus";
import { ecoshareAbi } from "../contracts/abis";
import { useAssetInfos } from "../hooks/useAssetInfo";
import { useChainTime } from "../hooks/useChainTime";
import { useContractTransaction } from "../hooks/useContractTransaction";
import { useDeployment } from "../hooks/useDeployment";
import { useOrderFacts } from "../hooks/useOrderFacts";
import { useLedger } from "../hooks/useProtocolLog";
import { describeFailure } from "../lib/contractErrors";
import { agreementPhase } from "../lib/agreementPhase";
import { formatAmount, isNative, NATIVE_ASSET, shortAddress, type AssetInfo } from "../lib/format";
import { readMetadata } from "../lib/networks";
import {
  encodeOrderRef,
  generateOrderRef,
  MAX_ORDER_REF_BYTES,
  parseAmountText,
  payOrderCall,
  planOrder,
  tokenPulls,
  type OrderLineInput,
  type PlannedLine,
} from "../lib/order";
import { erc20Abi } from "../actions/signPermit";
import { SplitPreview } from "./PayPage";

interface LineDraft {
  key: number;
  agreementId: bigint;
  amountText: string;
}

/** How long a permit signed at checkout stays usable. */
const PERMIT_SECONDS = 3600n;

export function CheckoutPage({ referrer, add }: { referrer?: string | undefined; add?: bigint[] | undefined }) {
  const { ledger, isPending, error } = useLedger();
  if (isPending) return <Loading what="the agreements" />;
  if (error) return <ErrorNotice error={error} />;
  if (!ledger) return null;
  return <Checkout ledger={ledger} referrerParam={referrer} add={add ?? []} />;
}

let nextKey = 1;
const draft = (agreementId: bigint): LineDraft => ({ key: nextKey++, agreementId, amountText: "" });

function Checkout({ ledger, referrerParam, add }: { ledger: Ledger; referrerParam: string | undefined; add: bigint[] }) {
  const { deployment, labels } = useDeployment();
  const config = useConfig();
  const { address, ready } = useWalletReady();
  const now = useChainTime();
  const approveTx = useContractTransaction();
  const tx = useContractTransaction();
  // Agreements that take payments now, by the chain's clock and their thread (the phase every page shows).
  const takesPayments = (a: LedgerAgreement | undefined) => a !== undefined && agreementPhase(ledger, a, now) === "active";
  const [drafts, setDrafts] = useState<LineDraft[]>(() => add.filter((id) => takesPayments(ledger.agreements.get(id))).map(draft));
  const [choice, setChoice] = useState("");
  const [refText, setRefText] = useState("");
  const [stepNote, setStepNote] = useState<string>();
  const [failure, setFailure] = useState<string>();
  const [paying, setPaying] = useState(false);
  const [paid, setPaid] = useState<Hash>();

  const referrer = referrerParam && isAddress(referrerParam) ? getAddress(referrerParam) : undefined;
  const open = [...ledger.agreements.values()].filter(takesPayments);
  const lineAgreements = drafts.map((d) => ledger.agreements.get(d.agreementId)).filter((a): a is LedgerAgreement => a !== undefined);
  const facts = useOrderFacts(lineAgreements, referrer);
  const infos = useAssetInfos([...new Set([...open, ...lineAgreements].map((a) => a.asset))]);
  const infoOf = (asset: Address) => infos.get(asset.toLowerCase());
  const networkName = (networkId: bigint) => readMetadata(ledger.networks.get(networkId)?.metadataURI ?? "").name || `Network #${networkId}`;

  // Each draft's amount, read in its asset's units; the plan covers the lines whose amount reads.
  const parsed = drafts.map((d) => {
    const a = ledger.agreements.get(d.agreementId);
    const info = a ? infoOf(a.asset) : undefined;
    return { draft: d, agreement: a, info, amount: info ? parseAmountText(d.amountText, info) : undefined };
  });
  const inputs: OrderLineInput[] = [];
  const planIndex = new Map<number, number>();
  for (const p of parsed) {
    const live = p.agreement ? facts.agreementOf(p.agreement) : undefined;
    if (live && p.amount && "amount" in p.amount) {
      planIndex.set(p.draft.key, inputs.length);
      inputs.push({ agreement: live, amount: p.amount.amount });
    }
  }
  const plan = planOrder({ lines: inputs, referrer, payer: address, standingOf: facts.standingOf, volumeOf: facts.volumeOf, now });
  const missingAmounts = parsed.filter((p) => !p.amount || "error" in p.amount).length;
  const refBytes = new TextEncoder().encode(refText).length;
  const refError = refBytes > MAX_ORDER_REF_BYTES ? `At most ${MAX_ORDER_REF_BYTES} bytes (this is ${refBytes}).` : undefined;
  const canPay = ready && facts.ready && drafts.length > 0 && missingAmounts === 0 && plan.problems.length === 0 && !refError && !paying;
  const pulls = tokenPulls(plan);

  const addLine = () => {
    if (!choice) return;
    setDrafts((old) => [...old, draft(BigInt(choice))]);
    setChoice("");
    setPaid(undefined);
  };
  const setAmount = (key: number, amountText: string) => setDrafts((old) => old.map((d) => (d.key === key ? { ...d, amountText } : d)));
  const removeLine = (key: number) => setDrafts((old) => old.filter((d) => d.key !== key));

  const pay = async (e: FormEvent) => {
    e.preventDefault();
    if (!canPay || !address) return;
    setFailure(undefined);
    setStepNote(undefined);
    approveTx.reset();
    tx.reset();
    const refTextUsed = refText.trim() || generateOrderRef();
    const encoded = encodeOrderRef(refTextUsed);
    if ("error" in encoded) return setFailure(encoded.error);
    setPaying(true);
    try {
      let tokens: PrepareOrderTokensReturnType;
      try {
        tokens = await prepareOrderTokens(await wagmiClients(config), {
          owner: address,
          spender: deployment.ecoshare,
          value: plan.value,
          pulls: pulls.map((p) => ({ ...p, ...(infoOf(p.token) ?? { symbol: shortAddress(p.token), decimals: 0 }) })),
          deadline: now + PERMIT_SECONDS,
        });
      } catch (error) {
        const f = describeFailure(error);
        setFailure(error instanceof InsufficientFundsError ? error.message : f.kind === "rejected" ? "You declined to sign the permit. Nothing was paid." : f.message);
        return;
      }
      for (const [i, approval] of tokens.approvals.entries()) {
        setStepNote(`Step ${i + 1} of ${tokens.approvals.length + 1}: approve ${approval.symbol} for the order, then the order is paid.`);
        const approved = await approveTx.send({ address: approval.token, abi: erc20Abi, functionName: "approve", args: [deployment.ecoshare, approval.amount] });
        if (!approved) return;
      }
      if (tokens.approvals.length > 0) setStepNote(`Step ${tokens.approvals.length + 1} of ${tokens.approvals.length + 1}: pay the order.`);
      const call = payOrderCall(plan);
      // refundTo address(0): a refund of a held line is credited to the payer, the customer paying here.
      const receipt = await tx.send({
        address: deployment.ecoshare,
        abi: ecoshareAbi,
        functionName: "payOrder",
        args: [call.lines, encoded.orderRef, NATIVE_ASSET, tokens.permits],
        value: call.value,
      });
      if (!receipt) return;
      setPaid(receipt.transactionHash);
      setDrafts([]);
      setRefText("");
      setStepNote(undefined);
    } finally {
      setPaying(false);
    }
  };

  const byNetwork = new Map<bigint, LedgerAgreement[]>();
  for (const a of open) byNetwork.set(a.networkId, [...(byNetwork.get(a.networkId) ?? []), a]);

  return (
    <section aria-labelledby="checkout-title" className="checkout">
      <h1 id="checkout-title">Checkout</h1>
      <p className="muted">
        Put several purchases in one order, across networks and currencies: one transaction pays every line, and each line is split on-chain between the
        network, the referrer and the vendors, exactly as shown.
      </p>
      {referrerParam && !referrer ? (
        <p className="notice notice-error" role="alert">
          The referral link's referrer ({referrerParam}) is not a valid address; the order will credit no referrer.
        </p>
      ) : null}
      {referrer ? (
        <p data-testid="order-referrer">
          Referred by <AddressView address={referrer} label={labels.get(referrer)} />, credited on every line where the agreement lets it refer.
        </p>
      ) : (
        <p className="muted">No referrer: open a referral link (…#/checkout?ref=0x…) to credit one.</p>
      )}
      {paid ? <OrderReceiptView hash={paid} onClose={() => setPaid(undefined)} /> : null}

      <form className="panel form-wide" onSubmit={pay} aria-label="Order">
        <div className="row">
          <label>
            Add a line
            <select value={choice} onChange={(e) => setChoice(e.target.value)} data-testid="add-agreement">
              <option value="">Choose an agreement…</option>
              {[...byNetwork.entries()].map(([networkId, agreements]) => (
                <optgroup key={networkId.toString()} label={networkName(networkId)}>
                  {agreements.map((a) => (
                    <option key={a.id.toString()} value={a.id.toString()}>
                      #{a.id.toString()} · {a.parties.map((p) => labels.get(p.account) ?? shortAddress(p.account)).join(", ")} · {infoOf(a.asset)?.symbol ?? "…"}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          </label>
          <button type="button" className="secondary" onClick={addLine} disabled={!choice}>
            Add to the order
          </button>
        </div>
        {open.length === 0 ? <Empty>No agreement takes payments right now.</Empty> : null}

        <ol className="order-lines plain">
          {parsed.map(({ draft: d, agreement: a, info, amount }, i) => {
            const index = planIndex.get(d.key);
            const line = index !== undefined ? plan.lines[index] : undefined;
            return (
              <li key={d.key} className="card order-line" data-testid="order-line" data-agreement={d.agreementId.toString()}>
                <h2>
                  Line {i + 1}: {a ? networkName(a.networkId) : ""} · agreement <a href={`#/agreements/${d.agreementId}`}>#{d.agreementId.toString()}</a>
                </h2>
                <div className="row">
                  <label>
                    Amount{info ? ` (${info.symbol})` : ""}
                    <input
                      inputMode="decimal"
                      value={d.amountText}
                      onChange={(e) => setAmount(d.key, e.target.value)}
                      placeholder="100"
                      aria-invalid={Boolean(amount && "error" in amount)}
                      aria-label={`Line ${i + 1} amount`}
                    />
                    {amount && "error" in amount ? <small className="field-error">{amount.error}</small> : null}
                  </label>
                  <button type="button" className="secondary" onClick={() => removeLine(d.key)} aria-label={`Remove line ${i + 1}`}>
                    Remove
                  </button>
                </div>
                {a && info && line ? <LinePreview agreement={a} line={line} info={info} /> : <p className="muted">Enter an amount to see exactly how it will be split.</p>}
              </li>
            );
          })}
        </ol>

        {plan.totals.length > 0 ? (
          <div className="order-totals" data-testid="order-totals">
            <h2>Totals</h2>
            <table>
              <tbody>
                {plan.totals.map((t) => {
                  const info = infoOf(t.asset);
                  return (
                    <tr key={t.asset} data-asset={info?.symbol}>
                      <th scope="row">{info?.symbol ?? shortAddress(t.asset)}</th>
                      <td>{info ? formatAmount(t.amount, info) : t.amount.toString()}</td>
                      <td className="muted small">{isNative(t.asset) ? "sent with the transaction" : "taken once for all its lines"}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            {pulls.length > 0 ? (
              <p className="muted small" data-testid="token-steps">
                Tokens: you sign a permit for each token that supports one (no gas), then one transaction pays the order. A token without a permit is
                approved first, in its own transaction: two steps.
              </p>
            ) : null}
          </div>
        ) : null}

        <label>
          Order reference (optional)
          <input value={refText} onChange={(e) => setRefText(e.target.value)} placeholder="Generated if empty, e.g. ORD-20261201-1A2B3C4D" aria-invalid={Boolean(refError)} />
          <small>
            {refBytes}/{MAX_ORDER_REF_BYTES} bytes, recorded on-chain with every line.
          </small>
          {refError ? <small className="field-error">{refError}</small> : null}
        </label>

        {plan.problems.length > 0 && drafts.length > 0 ? (
          <ul className="notice notice-error" role="alert">
            {plan.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        ) : null}
        {facts.error ? <ErrorNotice error={facts.error} /> : null}
        <button type="submit" disabled={!canPay}>
          {paying ? "Paying…" : `Pay the order (${drafts.length} ${drafts.length === 1 ? "line" : "lines"})`}
        </button>
        {!address ? <p className="muted">Connect a wallet to pay.</p> : null}
      </form>
      {stepNote ? (
        <p className="notice" role="status">
          {stepNote}
        </p>
      ) : null}
      {failure ? (
        <p className="notice notice-error" role="alert">
          {failure}
        </p>
      ) : null}
      <TxStatus state={approveTx.state} what="Approval" />
      <TxStatus state={tx.state} what="Order" />
    </section>
  );
}

/** One line's split: the Pay page's preview, with the pool and rate this line meets in the order. */
function LinePreview({ agreement, line, info }: { agreement: LedgerAgreement; line: PlannedLine; info: AssetInfo }) {
  return (
    <>
      {line.referrerSkipped ? <p className="notice">{line.referrerSkipped}</p> : null}
      {line.tier !== undefined ? (
        <p className="muted small">The referrer's tier on this line: {line.tier === 0 ? "base rate" : `tier ${line.tier}`} (earlier lines of the order count).</p>
      ) : null}
      {line.held ? <p className="muted small">This agreement holds payments for a while: the vendor may refund this line to you within that time.</p> : null}
      <SplitPreview agreement={{ ...agreement, vendorPool: line.vendorPoolBefore }} amount={line.amount} info={info} referred={line.referrer !== NATIVE_ASSET} referralFeeBps={line.referralFeeBps} />
    </>
  );
}
