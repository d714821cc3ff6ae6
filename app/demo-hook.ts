/**
 * Starts the web app for `npm run demo` (scripts/demo/app-hook.ts calls this): the app's Vite server on
 * 127.0.0.1, reading the demo's deployment record and talking to the demo's node. Returns its URL and
 * how to stop it. Node-only; no browser code here.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const APP_DIR = dirname(fileURLToPath(import.meta.url));

export interface StartAppParameters {
  rpcUrl: string;
  /** Path of the deployment record (chain-<id>.json); the app serves its folder. */
  recordPath: string;
  /** Port to serve on; default 5173, or a free one when it is taken. */
  port?: number;
}

export interface RunningApp {
  url: string;
  stop(): Promise<void>;
}

async function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

export async function startApp({ rpcUrl, recordPath, port = 5173 }: StartAppParameters): Promise<RunningApp> {
  const vite = join(APP_DIR, "node_modules", ".bin", "vite");
  if (!existsSync(vite)) throw new Error("The app's dependencies are not installed: run `npm install` in app/ (or `npm install` at the root).");
  let chosen = port;
  while (!(await isFree(chosen))) chosen++;
  const child = spawn(vite, ["--port", String(chosen), "--strictPort", "--host", "127.0.0.1"], {
    cwd: APP_DIR,
    env: { ...process.env, ECOSHARE_RECORDS_DIR: dirname(recordPath), ECOSHARE_RPC_URL: rpcUrl },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The app did not start within 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/Local:.*http/.test(output.replace(/\x1b\[[0-9;]*m/g, ""))) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`The app exited with code ${code}:\n${output}`));
    });
  });
  return {
    url: `http://127.0.0.1:${chosen}/`,
    async stop() {
      if (child.exitCode !== null || child.pid === undefined) return;
      const exited = new Promise<void>((r) => child.once("exit", () => r()));
      process.kill(-child.pid, "SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    },
  };
}
