/**
 * Where a shared signed counter-proposal stands: whether its unordered nonce is already used (submitted) or
 * cancelled (`isCounterNonceUsed`), and for its author a button to cancel it (`invalidateCounterNonce`) so
 * nobody can submit it any more.
 */
import { getAddress } from "viem";
import { useReadContract } from "wagmi";

import { ecoshareAbi } from "../contracts/abis";
import { useContractTransaction } from "../hooks/useContractTransaction";
import { useDeployment } from "../hooks/useDeployment";
import type { SignedCounter } from "../lib/counterStore";
import { useWalletReady } from "./ChainGuard";
import { TxStatus } from "./TxStatus";

export function CounterNonceStatus({ counter, onForget }: { counter: SignedCounter; onForget: () => void }) {
  const { deployment } = useDeployment();
  const { address, ready } = useWalletReady();
  const tx = useContractTransaction({ onConfirmed: () => void used.refetch() });
  const nonce = BigInt(counter.nonce);
  const used = useReadContract({
    address: deployment.ecoshare,
    abi: ecoshareAbi,
    functionName: "isCounterNonceUsed",
    args: [counter.author, nonce],
    query: { refetchInterval: 4_000 },
  });
  const isAuthor = Boolean(address && getAddress(address) === getAddress(counter.author));
  if (used.error) return <small className="field-error"> Could not check this counter's nonce: {used.error.message.split("\n")[0]}</small>;
  if (used.data === undefined) return <small className="muted"> Checking whether it is still usable…</small>;
  return (
    <>
      {used.data ? (
        <>
          <span className="status status-superseded" data-testid="counter-nonce" data-used="true">
            Already submitted or cancelled: it can no longer be used
          </span>{" "}
          <button type="button" className="secondary" onClick={onForget}>
            Remove from this browser
          </button>
        </>
      ) : (
        <>
          <span className="status status-pending" data-testid="counter-nonce" data-used="false">
            Not used yet
          </span>
          {isAuthor ? (
            <>
              {" "}
              <button
                type="button"
                className="secondary"
                disabled={!ready || tx.busy}
                onClick={() => void tx.send({ address: deployment.ecoshare, abi: ecoshareAbi, functionName: "invalidateCounterNonce", args: [nonce] })}
              >
                Cancel my signed counter
              </button>
            </>
          ) : null}
        </>
      )}
      <TxStatus state={tx.state} what="Cancelling the signed counter" />
    </>
  );
}
