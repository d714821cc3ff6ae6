// Starting and waiting for the processes the indexer's tests and benchmark run (demo, indexer).
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";

/** A free loopback port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Set once the caller is stopping its children: their exit is then expected. */
export const stopping = { value: false };

/** Starts `command` in its own process group and resolves once its output matches `ready`; rejects if it exits first. */
export function startUntil(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }, ready: RegExp, what: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let output = "";
    let settled = false;
    const onData = (chunk: Buffer) => {
      if (settled) return;
      output += chunk;
      if (ready.test(output)) {
        settled = true;
        resolve(child);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => {
      if (!settled && !stopping.value) reject(new Error(`${what} exited (code ${code}) before it was ready:\n${output.slice(-3000)}`));
    });
  });
}

/** Polls `probe` until it gives a value. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 240_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
