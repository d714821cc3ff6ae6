/**
 * The real stack the end-to-end tests and the benchmark run against: the project's own demo
 * (`npx hardhat demo` from the repository root: a Hardhat node on 127.0.0.1, the protocol deployed, the demo
 * ecosystem seeded, its deployment record written to a folder of our own) and the app's Vite server
 * pointed at that node and record. Everything binds 127.0.0.1 on free ports and is stopped by `stop()`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const APP_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const ROOT_DIR = resolve(APP_DIR, "..");

export interface Stack {
  rpcUrl: string;
  appUrl: string;
  recordsDir: string;
  /** The demo's example partner site (the hotel's booking page), embedding this app's checkout. */
  partnerSiteUrl: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolvePort(address.port) : reject(new Error("no port"))));
    });
  });
}

function start(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; ready: RegExp; name: string; timeoutMs: number }) {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const ready = new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`${options.name} did not start within ${options.timeoutMs / 1000} s:\n${output.slice(-2000)}`)), options.timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (options.ready.test(output.replace(/\x1b\[[0-9;]*m/g, ""))) {
        clearTimeout(timer);
        resolveReady();
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited with code ${code}:\n${output.slice(-2000)}`));
    });
  });
  return { child, ready, output: () => output };
}

async function stopProcess(child: ChildProcess) {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  try {
    process.kill(-child.pid, "SIGINT");
  } catch {
    return;
  }
  const timeout = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 10_000));
  if ((await Promise.race([exited, timeout])) === "timeout") {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

export interface StartStackParameters {
  /** Extra options for `hardhat demo`. */
  demoArgs?: string[];
  /** Serve the production build in dist/ (`vite preview`; build it first) instead of the dev server. */
  preview?: boolean;
}

/** Starts the demo node and the app; resolves once both answer. */
export async function startStack({ demoArgs = [], preview = false }: StartStackParameters = {}): Promise<Stack> {
  const [rpcPort, appPort] = [await freePort(), await freePort()];
  const runDir = join(APP_DIR, "e2e", ".run", String(rpcPort));
  const recordsDir = join(runDir, "records");
  mkdirSync(recordsDir, { recursive: true });
  const env = { ...process.env, CI: "true", HARDHAT_DISABLE_TELEMETRY: "true", ECOSHARE_DEMO_NO_APP: "1" };
  const appUrl = `http://127.0.0.1:${appPort}/`;
  const demo = start("npx", ["hardhat", "demo", "--port", String(rpcPort), "--records-dir", recordsDir, ...demoArgs], {
    cwd: ROOT_DIR,
    // The demo serves its partner site against the app this stack starts.
    env: { ...env, ECOSHARE_DEMO_APP_URL: appUrl },
    ready: /demo is ready/i,
    name: "The demo (npx hardhat demo)",
    timeoutMs: 240_000,
  });
  await demo.ready;
  const partnerSiteUrl = /Partner site\s+(http:\/\/127\.0\.0\.1:\d+\/)/.exec(demo.output())?.[1] ?? "";
  const rpcUrl = `http://127.0.0.1:${rpcPort}`;
  const viteProcess = start(join(APP_DIR, "node_modules", ".bin", "vite"), [...(preview ? ["preview"] : []), "--port", String(appPort), "--strictPort", "--host", "127.0.0.1"], {
    cwd: APP_DIR,
    env: { ...env, ECOSHARE_RECORDS_DIR: recordsDir, ECOSHARE_RPC_URL: rpcUrl },
    ready: /Local:.*http/,
    name: "The app's Vite server",
    timeoutMs: 60_000,
  });
  const vite = viteProcess.child;
  try {
    await viteProcess.ready;
  } catch (error) {
    await stopProcess(demo.child);
    throw error;
  }
  return {
    rpcUrl,
    appUrl,
    recordsDir,
    partnerSiteUrl,
    async stop() {
      await Promise.all([stopProcess(vite), stopProcess(demo.child)]);
      rmSync(runDir, { recursive: true, force: true });
    },
  };
}
