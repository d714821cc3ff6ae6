/** Runs the project's commands as a user does, in a child process, and collects what they print. */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, Socket } from "node:net";
import path from "node:path";
import hre from "hardhat";

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const HARDHAT_CLI = path.join(hre.config.paths.root, "node_modules", "hardhat", "dist", "src", "cli.js");

/**
 * The environment every child gets: a user's, not the test runner's. `hardhat test` exports its global
 * options as HARDHAT_* variables (HARDHAT_CONFIG, HARDHAT_COVERAGE, ...), which would point a child at
 * this checkout's config or turn on coverage in it; HH_TEST and NODE_ENV would switch Hardhat's keystore
 * to its development store; and no secret of the `remote` network may leak in.
 */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) {
    if (name.startsWith("HARDHAT_") || name.startsWith("ECOSHARE_") || name === "HH_TEST" || name === "NODE_ENV") delete env[name];
  }
  return { ...env, HARDHAT_DISABLE_TELEMETRY: "true", ...extra };
}

/** Runs `npx hardhat <args>` (on the Node running the tests) to completion, in `cwd` (default this checkout). */
export function runHardhat(
  args: readonly string[],
  { env = {}, timeoutMs = 90_000, cwd = hre.config.paths.root }: { env?: Record<string, string>; timeoutMs?: number; cwd?: string } = {},
): Promise<CliResult> {
  const child = spawn(process.execPath, [HARDHAT_CLI, ...args], { cwd, env: childEnv(env), stdio: ["ignore", "pipe", "pipe"] });
  return collect(child, timeoutMs);
}

/** Waits for `child` to exit and returns its output; kills it after `timeoutMs`. */
export function collect(child: ChildProcess, timeoutMs: number): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`Command timed out after ${timeoutMs} ms.\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The lines a command wrote, without npm's own notices. */
export function meaningfulLines(text: string): string[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("npm warn") && !l.startsWith(">"));
}

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Whether something accepts connections on 127.0.0.1:`port`. */
export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.connect(port, "127.0.0.1");
  });
}
