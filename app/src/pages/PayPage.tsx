import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { erc20Abi, getAddress, isAddress, parseUnits, type Address, type Hash } from "viem";
import { useBalance, useConfig, useReadContract } from "wagmi";

import type { LedgerAgreement } from "../../../client/ledger.js";
import { splitPayment } from "../../../client/split-math.js";
import { paymentWrite } from "../actions/payAgreement";
import { signPermit, supportsPermit } from "../actions/signPermit";
import { wagmiClients, wagmiPublicClient } from "../actions/wagmiClients";
import { RiskFigures } from "../components/RiskFigures";
import { AddressView } from "../components/AddressView";
import { useWalletReady } from "../components/ChainGuard";
import { PhaseBadge } from "../components/PhaseBadge";
import { Empty, ErrorNotice, Loading } from "../components/States";
import { TxStatus } from "../components/TxStatus";
import { useAssetInfo } from "../hooks/useAssetInfo";
import { useChainTime } from "../hooks/useChainTime";
import { useContractTransaction, type TxState } from "../hooks/useContractTransaction";
import { useDeployment } from "../hooks/useDeployment";
import { useLedger } from "../hooks/useProtocolLog";
import { agreementPhase, paymentBlocker, type AgreementPhase } from "../lib/agreementPhase";
import { describeFailure, withLikelyReason, type Failure } from "../lib/contractErrors";
import { MemberStatus } from "../lib/enums";
import { formatAmount, formatBps, formatTimestamp, isNative, NATIVE_ASSET, type AssetInfo } from "../lib/format";
import { readMetadata } from "../lib/networks";
import { fundsProblem, GAS_RESERVE_WEI, likelyPaymentProblem } from "../lib/paymentChecks";
import { partyGains } from "../lib/splitPreview";
import { paymentReceiptOf, type PaymentReceipt } from "../lib/paymentReceipt";
import { TierProgressView, useReferrerTier } from "../components/TierProgress";
import { describeHoldback } from "../lib/dynamic";

export function PayPage({ agreementId, referrer }: { agreementId: bigint; referrer?: string | undefined }) {
  const { ledger, isPending, error } = useLedger();
  const now = useChainTime();
  if (isPending) return <Loading what="the agreement" />;
  if (error) return <ErrorNotice error={error} />;
  const agreement = ledger?.agreements.get(agreementId);
  if (!ledger || !agreement) return <Empty>Agreement #{agreementId.toString()} does not exist.</Empty>;
  const network = ledger.networks.get(agreement.networkId);
  // Keyed by agreement and referrer: another agreement's checkout starts blank (no amount, error or receipt carried over).
  return (
    <Checkout
      key={`${agreementId}:${referrer ?? ""}`}
      agreement={agreement}
      phase={agreementPhase(ledger, agreement, now)}
      now={now}
      networkName={readMetadata(network?.metadataURI ?? "").name}
      referrerParam={referrer}
      referrerStatus={referrer && isAddress(referrer) ? network?.members.get(getAddress(referrer))?.status : undefined}
    />
  );
}

function Checkout({
  agreement: a,
  phase,
  now,
  networkName,
  referrerParam,
  referrerStatus,
}: {
  agreement: LedgerAgreement;
  phase: AgreementPhase;
  now: bigint;
  networkName: string;
  referrerParam: string | undefined;
  referrerStatus: MemberStatus | undefined;
}) {
  const { deployment, labels } = useDeployment();
  const config = useConfig();
  const { address, ready } = useWalletReady();
  const asset = useAssetInfo(a.asset);
  const tx = useContractTransaction();
  const [amountText, setAmountText] = useState("");
  const [orderRef, setOrderRef] = useState("");
  const [permitFailure, setPermitFailure] = useState<Failure>();
  const [withoutReferrer, setWithoutReferrer] = useState(false);
  const [receipt, setReceipt] = useState<{ hash: Hash; orderText: string }>();

  const linkReferrer = referrerParam && isAddress(referrerParam) ? getAddress(referrerParam) : undefined;
  const referrerProblem =
    referrerParam && !withoutReferrer
      ? !linkReferrer
        ? "The referral link's referrer is not a valid address: the payment can only go without a referrer."
        : referrerStatus !== MemberStatus.Active
          ? "The referrer of this link is not an active member of the network: the contract would refuse a payment naming it."
          : address && linkReferrer === getAddress(address)
            ? "You cannot refer yourself: the contract would refuse a payment naming you as its referrer."
            : undefined
      : undefined;
  const referrer = withoutReferrer || !linkReferrer ? undefined : linkReferrer;

  const tier = useReferrerTier(a.id, a.referralFeeBps, a.referralTiers, referrer && !referrerProblem ? referrer : undefined);
  const info = asset.data;
  let amount: bigint | undefined;
  let amountError: string | undefined;
  if (info && amountText.trim() !== "") {
    try {
      amount = parseUnits(amountText.trim().replace(",", "."), info.decimals);
      if (amount <= 0n) amountError = "Enter an amount above zero.";
    } catch {
      amountError = `Enter an amount in ${info.symbol}, e.g. 120 or 99.5 (at most ${info.decimals} decimals).`;
    }
  }

  const native = isNative(a.asset);
  const balance = useBalance({ address, query: { enabled: Boolean(address) && native } });
  const tokenBalance = useReadContract({
    address: a.asset,
    abi: erc20Abi,
    functionName: "balanceOf",
    args: [address ?? NATIVE_ASSET],
    query: { enabled: Boolean(address) && !native },
  });
  const allowance = useReadContract({
    address: a.asset,
    abi: erc20Abi,
    functionName: "allowance",
    args: [address ?? NATIVE_ASSET, deployment.ecoshare],
    query: { enabled: Boolean(address) && !native },
  });
  const permit = useQuery({
    queryKey: ["permit", a.asset, address],
    enabled: Boolean(address) && !native,
    queryFn: () => supportsPermit(wagmiPublicClient(config), a.asset, address!),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const held = native ? balance.data?.value : (tokenBalance.data as bigint | undefined);
  const refreshBalances = () => void Promise.all([balance.refetch(), tokenBalance.refetch(), allowance.refetch()]);

  const blocker = paymentBlocker(a, phase);
  const funds = info && amount !== undefined && !amountError ? fundsProblem({ amount, held, info, gasReserve: native ? GAS_RESERVE_WEI : 0n }) : undefined;
  /** Why Pay is disabled, in the order a payer can act on it. */
  const payBlocked = blocker ?? referrerProblem ?? (!address ? "Connect a wallet to pay." : undefined) ?? funds;

  const pay = async (e: FormEvent) => {
    e.preventDefault();
    if (!ready || !address || amount === undefined || amountError || payBlocked) return;
    setPermitFailure(undefined);
    setReceipt(undefined);
    const base = { ecoshare: deployment.ecoshare, agreementId: a.id, asset: a.asset, amount, referrer, orderRef };
    let write = paymentWrite(base);
    if (!native && permit.data) {
      try {
        const signed = await signPermit(await wagmiClients(config), {
          token: a.asset,
          owner: address,
          spender: deployment.ecoshare,
          value: amount,
          deadline: now + 3600n,
        });
        write = paymentWrite({ ...base, permit: signed });
      } catch (error) {
        setPermitFailure(describeFailure(error));
        return;
      }
    } else if (!native && ((allowance.data as bigint | undefined) ?? 0n) < amount) {
      const approved = await tx.send({ address: a.asset, abi: erc20Abi, functionName: "approve", args: [deployment.ecoshare, amount] });
      if (approved === undefined) return;
    }
    const mined = await tx.send(write);
    refreshBalances();
    if (!mined) return;
    setReceipt({ hash: mined.transactionHash, orderText: orderRef });
    setAmountText("");
    setOrderRef("");
  };

  // A refusal without a reason gets the likely one, from what the page knows.
  const likely = likelyPaymentProblem([blocker, referrerProblem, funds]);
  const shownState: TxState = tx.state.status === "failed" ? { ...tx.state, failure: withLikelyReason(tx.state.failure, likely) } : tx.state;

  return (
    <section aria-labelledby="pay-title" className="checkout">
      <h1 id="pay-title">
        Pay {networkName ? `${networkName}: ` : ""}agreement #{a.id.toString()} <PhaseBadge phase={phase} />
      </h1>
      <p className="validity" data-testid="validity-window">
        Takes payments from <strong>{formatTimestamp(a.validFrom)}</strong> to <strong>{formatTimestamp(a.validUntil)}</strong>
        <span className="muted"> (chain time now: {formatTimestamp(now)})</span>
      </p>
      {blocker ? (
        <p className="notice notice-error" role="alert" data-testid="pay-blocker">
          {blocker}
        </p>
      ) : null}
      <p className="muted">
        Your payment is split on-chain in the same transaction between the network, the referrer and the parties below.
      </p>
      {referrer ? (
        <p>
          Referred by <AddressView address={referrer} label={labels.get(referrer)} />
        </p>
      ) : null}
      {withoutReferrer ? (
        <p className="notice" data-testid="without-referrer">
          Paying without a referrer: nobody earns a referral fee on this payment; the parties share it.
        </p>
      ) : null}
      {referrer && !referrerProblem && a.referralTiers.length > 0 && tier && info ? <TierProgressView progress={tier} info={info} who="The referrer" /> : null}
      {referrer && !referrerProblem ? <RiskFigures scope="referrer" subject={referrer} title="The referrer's track record" chart /> : null}
      {a.holdbackPeriod > 0 ? (
        <p className="notice" data-testid="holdback-notice">
          Payments to this agreement are held for {describeHoldback(a.holdbackPeriod)}: within that time the vendor can refund you in full, after it the
          split is credited.
        </p>
      ) : null}
      {referrerProblem ? (
        <div className="notice notice-error" role="alert" data-testid="referrer-problem">
          <p>{referrerProblem}</p>
          <button type="button" className="secondary" onClick={() => setWithoutReferrer(true)}>
            Pay without a referrer
          </button>
        </div>
      ) : null}
      {receipt && info ? <Receipt hash={receipt.hash} agreementId={a.id} orderText={receipt.orderText} info={info} /> : null}
      <form className="panel" onSubmit={pay}>
        <label>
          Amount{info ? ` (${info.symbol})` : ""}
          <input
            inputMode="decimal"
            value={amountText}
            onChange={(e) => {
              setAmountText(e.target.value);
              setReceipt(undefined);
              tx.reset();
            }}
            placeholder="100"
            aria-invalid={Boolean(amountError || funds)}
            aria-describedby="split-preview"
          />
          {amountError ? <small className="field-error">{amountError}</small> : null}
          {info && held !== undefined ? <small data-testid="held">You hold {formatAmount(held, info)}.</small> : null}
        </label>
        <label>
          Order reference (optional)
          <input value={orderRef} onChange={(e) => setOrderRef(e.target.value)} placeholder="Booking 4711" />
        </label>
        {info && amount !== undefined && !amountError ? (
          <SplitPreview agreement={a} amount={amount} info={info} referred={Boolean(referrer)} referralFeeBps={tier?.feeBps ?? a.referralFeeBps} />
        ) : (
          <p id="split-preview" className="muted">
            Enter an amount to see exactly how it will be split.
          </p>
        )}
        <button type="submit" disabled={!ready || tx.busy || amount === undefined || Boolean(amountError) || Boolean(payBlocked)} aria-describedby="pay-reason">
          {info ? `Pay ${amount !== undefined && !amountError ? formatAmount(amount, info) : info.symbol}` : "Pay"}
          {!native && permit.data ? " (with permit)" : ""}
        </button>
        {payBlocked && (amount !== undefined || !address) ? (
          <p id="pay-reason" className="field-error" data-testid="pay-reason">
            {payBlocked}
          </p>
        ) : null}
        {!native && permit.data === false ? <p className="muted">This token has no permit: you approve first, then pay (two transactions).</p> : null}
      </form>
      {permitFailure ? (
        <p className={permitFailure.kind === "rejected" ? "notice" : "notice notice-error"} role="status">
          {permitFailure.kind === "rejected" ? "You declined to sign the permit. Nothing was paid." : permitFailure.message}
        </p>
      ) : null}
      {receipt ? null : <TxStatus state={shownState} what="Payment" />}
    </section>
  );
}

/** What the contract recorded for a payment just made: the split, the transaction and the order reference. */
function Receipt({ hash, agreementId, orderText, info }: { hash: Hash; agreementId: bigint; orderText: string; info: AssetInfo }) {
  const { labels } = useDeployment();
  const { ledger } = useLedger();
  const paid = ledger ? paymentReceiptOf(ledger, hash, agreementId) : undefined;
  if (!paid) return <Loading what={`the receipt of ${hash.slice(0, 10)}…`} />;
  const referred = paid.referrer !== NATIVE_ASSET;
  return (
    <div className="notice notice-ok receipt" role="status" data-testid="receipt" data-tx-status="confirmed">
      <h2>Paid {formatAmount(paid.amount, info)}</h2>
      <table>
        <tbody>
          <tr>
            <th scope="row">Network fee</th>
            <td data-receipt="networkFee">{formatAmount(paid.networkFee, info)}</td>
          </tr>
          <tr>
            <th scope="row">Referral fee</th>
            <td data-receipt="referralFee">
              {formatAmount(paid.referralFee, info)}
              {referred ? (
                <>
                  {" "}
                  to <AddressView address={paid.referrer as Address} label={labels.get(paid.referrer as Address)} />
                </>
              ) : (
                " (no referrer)"
              )}
            </td>
          </tr>
          <tr>
            <th scope="row">Vendor share, for the parties</th>
            <td data-receipt="vendorShare">{formatAmount(paid.vendorShare, info)}</td>
          </tr>
          <tr>
            <th scope="row">Order reference</th>
            <td data-receipt="orderRef">{orderText || "none"}</td>
          </tr>
          <tr>
            <th scope="row">Transaction</th>
            <td>
              <code className="hash" data-receipt="transaction" title={paid.transactionHash}>
                {paid.transactionHash}
              </code>{" "}
              (block {paid.blockNumber.toString()})
            </td>
          </tr>
        </tbody>
      </table>
      {paid.held ? (
        <p className="small">
          Held as payment #{paid.held.holdId.toString()} until {formatTimestamp(paid.held.releaseAt)}: refundable until then (a refund credits{" "}
          <AddressView address={paid.held.refundTo} label={labels.get(paid.held.refundTo)} />), credited after.
        </p>
      ) : null}
      <p className="small">The form is cleared: a second payment needs a new amount.</p>
    </div>
  );
}

/** The split of one payment, by the shared split rules, and what each party's collectable rises by. */
export function SplitPreview({
  agreement: a,
  amount,
  info,
  referred,
  referralFeeBps = a.referralFeeBps,
}: {
  agreement: LedgerAgreement;
  amount: bigint;
  info: AssetInfo;
  referred: boolean;
  /** The referrer's current rate (its loyalty tier's); the agreement's base rate by default. */
  referralFeeBps?: number;
}) {
  const { labels } = useDeployment();
  const split = splitPayment({ amount, networkFeeBps: a.networkFeeBps, referralFeeBps: referred ? referralFeeBps : 0 });
  const pool = a.vendorPool;
  return (
    <div id="split-preview" className="split" aria-live="polite">
      <h2>How this payment is split</h2>
      <table>
        <tbody>
          <tr>
            <th scope="row">Network fee ({formatBps(a.networkFeeBps)})</th>
            <td data-split="networkFee">{formatAmount(split.networkFee, info)}</td>
          </tr>
          <tr>
            <th scope="row">Referral fee ({referred ? formatBps(referralFeeBps) : "no referrer"})</th>
            <td data-split="referralFee">{formatAmount(split.referralFee, info)}</td>
          </tr>
          <tr>
            <th scope="row">Vendor share, for the parties</th>
            <td data-split="vendorShare">{formatAmount(split.vendorShare, info)}</td>
          </tr>
          {partyGains({ parties: a.parties, vendorPoolBefore: pool, vendorShare: split.vendorShare }).map((p) => {
            const gain = p.gain;
            return (
              <tr key={p.account} className="sub">
                <th scope="row">
                  ↳ {labels.get(p.account) ?? <AddressView address={p.account as Address} />} ({formatBps(p.shareBps)})
                </th>
                <td>{formatAmount(gain, info)}</td>
              </tr>
            );
          })}
          <tr className="total">
            <th scope="row">Total</th>
            <td>{formatAmount(amount, info)}</td>
          </tr>
        </tbody>
      </table>
      <p className="muted small">Fees round down; the remainder stays with the parties (at most 1 base unit per party waits for the agreement's close).</p>
    </div>
  );
}
