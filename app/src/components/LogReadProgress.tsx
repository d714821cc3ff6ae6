/** A long event-log read, shown as it runs: blocks and events read so far, instead of a blank wait. */
import { useSyncExternalStore } from "react";

import { useDeployment } from "../hooks/useDeployment";
import { logProgress, subscribeLogProgress } from "../lib/logProgress";
import { logProgressKey } from "../queries/protocolLog";
import { Loading } from "./States";

export function LogReadProgress({ scope, what }: { scope: string; what: string }) {
  const { deployment } = useDeployment();
  const key = logProgressKey(deployment, scope);
  const progress = useSyncExternalStore(subscribeLogProgress, () => logProgress(key));
  if (!progress) return <Loading what={what} />;
  const span = progress.lastBlock - progress.fromBlock + 1n;
  const done = progress.readTo - progress.fromBlock + 1n;
  const percent = span > 0n ? Number((done * 100n) / span) : 100;
  return (
    <div className="loading" role="status" aria-live="polite" data-testid="log-progress">
      <p>
        <span className="spinner" aria-hidden="true" /> Reading {what}: block {progress.readTo.toString()} of {progress.lastBlock.toString()}, {progress.events} events so far…
      </p>
      <progress max={100} value={percent} aria-label={`${percent}% of the blocks read`} />
    </div>
  );
}
