/**
 * A copy of this checkout in a temporary folder, as a newcomer's clone after `npm install`: the sources,
 * with node_modules linked. Commands that compile (the demo, deploy) run there, so they never rewrite the
 * artifacts of the test run that spawned them (under --coverage those are instrumented).
 */
import { rmSync } from "node:fs";
import { cp, mkdtemp, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

/** What a fresh clone does not have, or what belongs to this checkout alone. */
const LOCAL_ONLY = [
  "node_modules",
  "artifacts",
  "cache",
  "types",
  "coverage",
  ".git",
  ".ci-out",
  "ignition/deployments",
  "ignition/records",
  "app/node_modules",
  "app/dist",
  "app/.ci-out",
  "app/e2e/.run",
  "app/e2e/screenshots",
  "app/bench/.run",
];

export type CopyCheckoutParameters = { root: string };

/** Copies the checkout at `root` (nothing compiled: the first command that needs artifacts compiles); returns the copy's folder. */
export async function copyCheckout({ root }: CopyCheckoutParameters): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "ecoshare-checkout-"));
  const skip = new Set(LOCAL_ONLY);
  await cp(root, dir, { recursive: true, filter: (source) => !skip.has(path.relative(root, source)) });
  await symlink(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
  await symlink(path.join(root, "app", "node_modules"), path.join(dir, "app", "node_modules"), "dir");
  return dir;
}

let shared: Promise<string> | undefined;

/** One copy for the whole test run (compiled on first use by whichever command needs it), removed at exit. */
export function sharedCheckout(root: string): Promise<string> {
  if (shared === undefined) {
    shared = copyCheckout({ root }).then((dir) => {
      // The link to node_modules is removed, never followed.
      process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
      return dir;
    });
  }
  return shared;
}
