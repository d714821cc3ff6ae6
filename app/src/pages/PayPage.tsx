import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { erc20Abi, getAddress, isAddress, parseUnits, stringToHex, keccak256, type Address, type Hex } from "viem";
import { useBalance, useConfig, useReadContract } from "wagmi";

import type { LedgerAgreement } from "../../../scripts/lib/ledger.js";
import { openEntitlement, splitPayment } from "../../../scripts/lib/split-math.js";
import { signPermit, supportsPermit } from "../actions/signPermit";
import { AddressView } from "../components/AddressView";
import { useWalletReady } from "../components/ChainGuard";
import { Empty, ErrorNotice, Loading } from "../components/States";
import { TxStatus } from "../components/TxStatus";
import { ecoshareAbi } from "../contracts/abis";
import { useAssetInfo } from "../hooks/useAssetInfo";
import { useContractTransaction } from "../hooks/useContractTransaction";
import { useDeployment } from "../hooks/useDeployment";
import { useLedger } from "../hooks/useProtocolLog";
import { describeFailure, type Failure } from "../lib/contractErrors";
import { AgreementStatus, MemberStatus } from "../lib/enums";
import { formatAmount, formatBps, isNative, NATIVE_ASSET, type AssetInfo } from "../lib/format";
import { readMetadata } from "../lib/networks";
import { StatusBadge } from "./AgreementsPage";
import { TierProgressView, useReferrerTier } from "../components/TierProgress";
import { describeHoldback } from "../lib/dynamic";

export function PayPage({ agreementId, referrer }: { agreementId: bigint; referrer?: string | undefined }) {
  const { ledger, isPending, error } = useLedger();
  if (isPending) return <Loading what="the agreement" />;
  if (error) return <ErrorNotice error={error} />;
  const agreement = ledger?.agreements.get(agreementId);
  if (!ledger || !agreement) return <Empty>Agreement #{agreementId.toString()} does not exist.</Empty>;
  const network = ledger.networks.get(agreement.networkId);
  return <Checkout agreement={agreement} networkName={readMetadata(network?.metadataURI ?? "").name} referrerParam={referrer} referrerStatus={referrer && isAddress(referrer) ? network?.members.get(getAddress(referrer))?.status : undefined} />;
}

/** An order reference: a short text as bytes32 when it fits, its hash otherwise. */
function orderRefOf(text: string): Hex {
  if (text === "") return `0x${"0".repeat(64)}`;
  const bytes = new TextEncoder().encode(text);
  return bytes.length <= 32 ? stringToHex(text, { size: 32 }) : keccak256(stringToHex(text));
}

function Checkout({
  agreement: a,
  networkName,
  referrerParam,
  referrerStatus,
}: {
  agreement: LedgerAgreement;
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

  const referrer = referrerParam && isAddress(referrerParam) ? getAddress(referrerParam) : undefined;
  const referrerProblem = referrerParam
    ? !referrer
      ? "The referral link's referrer is not a valid address; the payment would credit no referrer."
      : referrerStatus !== MemberStatus.Active
        ? "The referrer of this link is not an active member of the network: the contract will refuse the payment."
        : address && referrer === getAddress(address)
          ? "You cannot refer yourself: the contract will refuse the payment."
          : undefined
    : undefined;

  const terms = a;
  const tier = useReferrerTier(a.id, a.referralFeeBps, terms?.referralTiers ?? [], referrer && !referrerProblem ? referrer : undefined);
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

  const balance = useBalance({ address, query: { enabled: Boolean(address) && isNative(a.asset) } });
  const tokenBalance = useReadContract({
    address: a.asset,
    abi: erc20Abi,
    functionName: "balanceOf",
    args: [address ?? NATIVE_ASSET],
    query: { enabled: Boolean(address) && !isNative(a.asset) },
  });
  const permit = useQuery({
    queryKey: ["permit", a.asset, address],
    enabled: Boolean(address) && !isNative(a.asset),
    queryFn: () => supportsPermit(config, a.asset, address!),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const held = isNative(a.asset) ? balance.data?.value : (tokenBalance.data as bigint | undefined);

  const pay = async (e: FormEvent) => {
    e.preventDefault();
    if (!ready || !address || amount === undefined || amountError) return;
    setPermitFailure(undefined);
    const ref = orderRefOf(orderRef);
    const who = referrer ?? NATIVE_ASSET;
    const common = { address: deployment.ecoshare, abi: ecoshareAbi } as const;
    // refundTo address(0): a refund of a held payment is credited to the payer, the customer paying here.
    if (isNative(a.asset)) {
      await tx.send({ ...common, functionName: "pay", args: [a.id, a.asset, amount, who, ref, NATIVE_ASSET], value: amount });
      return;
    }
    if (permit.data) {
      try {
        const signed = await signPermit(config, {
          token: a.asset,
          owner: address,
          spender: deployment.ecoshare,
          value: amount,
          deadline: BigInt(Math.floor(Date.now() / 1000) + 3600),
        });
        await tx.send({ ...common, functionName: "payWithPermit", args: [a.id, a.asset, amount, who, ref, NATIVE_ASSET, signed.deadline, signed.v, signed.r, signed.s] });
      } catch (error) {
        setPermitFailure(describeFailure(error));
      }
      return;
    }
    const approved = await tx.send({ address: a.asset, abi: erc20Abi, functionName: "approve", args: [deployment.ecoshare, amount] });
    if (approved !== undefined) await tx.send({ ...common, functionName: "pay", args: [a.id, a.asset, amount, who, ref, NATIVE_ASSET] });
  };

  const open = a.status === AgreementStatus.Active;
  return (
    <section aria-labelledby="pay-title" className="checkout">
      <h1 id="pay-title">Pay {networkName ? `${networkName}: ` : ""}agreement #{a.id.toString()}</h1>
      {!open ? (
        <p className="notice notice-error" role="alert">
          This agreement does not take payments: it is <StatusBadge status={a.status} />.
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
      {referrer && !referrerProblem && terms && terms.referralTiers.length > 0 && tier && info ? (
        <TierProgressView progress={tier} info={info} who="The referrer" />
      ) : null}
      {terms && terms.holdbackPeriod > 0 ? (
        <p className="notice" data-testid="holdback-notice">
          Payments to this agreement are held for {describeHoldback(terms.holdbackPeriod)}: within that time the vendor can refund you in full, after it the
          split is credited.
        </p>
      ) : null}
      {referrerProblem ? (
        <p className="notice notice-error" role="alert">
          {referrerProblem}
        </p>
      ) : null}
      <form className="panel" onSubmit={pay}>
        <label>
          Amount{info ? ` (${info.symbol})` : ""}
          <input inputMode="decimal" value={amountText} onChange={(e) => setAmountText(e.target.value)} placeholder="100" aria-invalid={Boolean(amountError)} aria-describedby="split-preview" />
          {amountError ? <small className="field-error">{amountError}</small> : null}
          {info && held !== undefined ? <small>You hold {formatAmount(held, info)}.</small> : null}
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
        <button type="submit" disabled={!ready || !open || tx.busy || amount === undefined || Boolean(amountError)}>
          {info ? `Pay ${amount !== undefined && !amountError ? formatAmount(amount, info) : info.symbol}` : "Pay"}
          {!isNative(a.asset) && permit.data ? " (with permit)" : ""}
        </button>
        {!address ? <p className="muted">Connect a wallet to pay.</p> : null}
        {!isNative(a.asset) && permit.data === false ? <p className="muted">This token has no permit: you approve first, then pay (two transactions).</p> : null}
      </form>
      {permitFailure ? (
        <p className={permitFailure.kind === "rejected" ? "notice" : "notice notice-error"} role="status">
          {permitFailure.kind === "rejected" ? "You declined to sign the permit. Nothing was paid." : permitFailure.message}
        </p>
      ) : null}
      <TxStatus state={tx.state} what="Payment" />
    </section>
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
          {a.parties.map((p) => {
            const gain = openEntitlement({ vendorPool: pool + split.vendorShare, shareBps: p.shareBps }) - openEntitlement({ vendorPool: pool, shareBps: p.shareBps });
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
