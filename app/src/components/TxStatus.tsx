import type { TxState } from "../hooks/useContractTransaction";
import type { Failure } from "../lib/contractErrors";

const TEXT: Record<string, string> = {
  simulating: "Checking the transaction with the contract…",
  "awaiting-wallet": "Confirm in your wallet…",
  pending: "Pending: waiting for the transaction to be included…",
  confirmed: "Confirmed.",
};

/** One line telling where a transaction stands; a refusal is explained, a decline is a calm notice. */
export function TxStatus({ state, what }: { state: TxState; what?: string }) {
  if (state.status === "idle") return null;
  const hash = "hash" in state && state.hash ? <code className="hash"> {state.hash.slice(0, 10)}…</code> : null;
  if (state.status === "failed") {
    const { failure } = state;
    const cls = failure.kind === "rejected" ? "notice" : "notice notice-error";
    return (
      <p className={cls} role={failure.kind === "rejected" ? "status" : "alert"} data-tx-status="failed" data-failure={failure.kind}>
        {failure.kind === "rejected" ? null : <strong>{what ? `${what} failed: ` : "Failed: "}</strong>}
        {failure.message}
        {hash}
      </p>
    );
  }
  const cls = state.status === "confirmed" ? "notice notice-ok" : "notice notice-pending";
  return (
    <p className={cls} role="status" data-tx-status={state.status}>
      {what && state.status === "confirmed" ? `${what}: confirmed.` : TEXT[state.status]}
      {hash}
    </p>
  );
}

/** Why signing failed: a decline is a calm notice, anything else the error in words. */
export function SignFailure({ failure }: { failure: Failure | undefined }) {
  if (!failure) return null;
  return (
    <p className={failure.kind === "rejected" ? "notice" : "notice notice-error"} role="status">
      {failure.kind === "rejected" ? "You declined to sign. Nothing was recorded." : failure.message}
    </p>
  );
}
