import { useConnection, useSwitchChain } from "wagmi";

import { useDeployment } from "../hooks/useDeployment";
import { describeFailure } from "../lib/contractErrors";

/** A prompt to switch when the connected wallet is on another chain than the deployment's. */
export function ChainGuard() {
  const connection = useConnection();
  const { deployment } = useDeployment();
  const switchChain = useSwitchChain();
  if (connection.status !== "connected" || connection.chainId === deployment.chainId) return null;
  const failure = switchChain.error ? describeFailure(switchChain.error) : undefined;
  return (
    <div className="banner" role="alert">
      <p>
        Your wallet is on chain {connection.chainId}; Ecoshare is deployed on chain {deployment.chainId}. Switch to sign and
        send transactions.
      </p>
      <button type="button" onClick={() => switchChain.mutate({ chainId: deployment.chainId })} disabled={switchChain.isPending}>
        {switchChain.isPending ? "Switching…" : `Switch to chain ${deployment.chainId}`}
      </button>
      {failure ? <p className="notice">{failure.kind === "rejected" ? "Switch declined in the wallet." : failure.message}</p> : null}
    </div>
  );
}

/** Whether the wallet is connected on the deployment's chain (writes are allowed). */
export function useWalletReady() {
  const connection = useConnection();
  const { deployment } = useDeployment();
  return {
    address: connection.status === "connected" ? connection.address : undefined,
    ready: connection.status === "connected" && connection.chainId === deployment.chainId,
  };
}
