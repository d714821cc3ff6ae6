/**
 * Where `npm run demo -- --indexer` starts the indexer (indexer/, Ponder on PGlite in a temporary folder)
 * on the demo's deployment record, and waits for its backfill. Its URL is printed by the demo.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { assertPortFree } from "./local-node.js";

const INDEXER_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "indexer");

export type StartDemoIndexerParameters = { recordPath: string; port: number };

export interface DemoIndexer {
  url: string;
  stop(): Promise<void>;
}

/** Starts the indexer and resolves once its backfill is done (`/ready`). */
export async function startDemoIndexer({ recordPath, port }: StartDemoIndexerParameters): Promise<DemoIndexer> {
  if (!existsSync(path.join(INDEXER_DIR, "node_modules", ".bin", "ponder"))) {
    throw new Error("The indexer's dependencies are not installed: run `npm install` at the root (it installs indexer/).");
  }
  await assertPortFree(port, "--indexer-port");
  const pglite = mkdtempSync(path.join(tmpdir(), "ecoshare-demo-indexer-"));
  const child = spawn(process.execPath, ["start.mjs", "--port", String(port)], {
    cwd: INDEXER_DIR,
    env: { ...process.env, ECOSHARE_RECORD: recordPath, PONDER_PGLITE_DIR: pglite, DATABASE_URL: "" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output = (output + chunk).slice(-4000)));
  child.stderr!.on("data", (chunk) => (output = (output + chunk).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.pid !== undefined) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      process.kill(-child.pid, "SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    }
    rmSync(pglite, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The indexer exited with code ${child.exitCode}:\n${output}`);
    const ready = await fetch(`${url}/ready`).then((r) => r.ok, () => false);
    if (ready) return { url, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`The indexer was not ready within 60 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
