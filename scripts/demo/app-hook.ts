/**
 * Where `npm run demo` starts the partner web app (app/demo-hook.ts: Vite on 127.0.0.1, reading the demo's
 * deployment record and talking to its node). The demo calls it once the chain is seeded and calls
 * `stop()` on Ctrl-C. `ECOSHARE_DEMO_NO_APP=1` skips the app (the app's own end-to-end tests serve it
 * themselves).
 */
import type { DeploymentRecord } from "../../client/deployment-record.js";
import type { DemoAccount } from "../../client/demo-cast.js";

export type StartDemoAppParameters = {
  /** The demo node's JSON-RPC URL (loopback). */
  rpcUrl: string;
  chainId: number;
  record: DeploymentRecord;
  recordPath: string;
  accounts: readonly DemoAccount[];
  /** The app's port, already checked free; default 5173, or the next free one. */
  port?: number | undefined;
};

/** A running app: where to open it, and how to stop it. */
export interface DemoApp {
  url: string;
  stop(): Promise<void>;
}

/** Starts the web app, or returns undefined when ECOSHARE_DEMO_NO_APP=1 asks for the chain alone. */
export async function startDemoApp(parameters: StartDemoAppParameters): Promise<DemoApp | undefined> {
  if (process.env.ECOSHARE_DEMO_NO_APP === "1") return undefined;
  const { startApp } = await import("../../app/demo-hook.js");
  return startApp({
    rpcUrl: parameters.rpcUrl,
    recordPath: parameters.recordPath,
    ...(parameters.port === undefined ? {} : { port: parameters.port }),
  });
}
