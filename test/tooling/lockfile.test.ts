/**
 * A fresh clone stays clean after `npm install`: the committed package-lock.json must already hold
 * every entry npm would add. npm records an optional dependency for every platform, whichever platform
 * and Node it runs on (Hardhat's native EVM ships one package per OS and CPU); a lockfile missing some
 * is rewritten by the first install (on Node 20 and on Node 22 alike), which dirties the tree and marks
 * every deployment record "with uncommitted changes".
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";
import hre from "hardhat";

interface LockPackage {
  version?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const root = hre.config.paths.root;
const lock = JSON.parse(readFileSync(path.join(root, "package-lock.json"), "utf8")) as { packages: Record<string, LockPackage> };
const manifest = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { devDependencies: Record<string, string> };

/** Where npm resolves `name` from the package at `from`: the nearest node_modules up the tree. */
function resolveEntry(from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = `${base === "" ? "" : `${base}/`}node_modules/${name}`;
    if (lock.packages[candidate] !== undefined) return candidate;
    if (base === "") return undefined;
    const index = base.lastIndexOf("/node_modules/");
    base = index === -1 ? "" : base.slice(0, index);
  }
}

describe("package-lock.json", function () {
  it("lists every optional dependency of every package, for every platform", function () {
    const missing: string[] = [];
    for (const [location, entry] of Object.entries(lock.packages)) {
      for (const name of Object.keys(entry.optionalDependencies ?? {})) {
        if (resolveEntry(location, name) === undefined) missing.push(`${name} (optional dependency of ${location || "the root"})`);
      }
    }
    expect(missing, "npm install would add these: run npm install and commit package-lock.json").to.deep.equal([]);
    // The case that dirtied fresh clones: Hardhat's EVM for the platforms other than this one.
    for (const platform of ["darwin-arm64", "darwin-x64", "linux-arm64-gnu", "linux-x64-gnu", "win32-x64-msvc"]) {
      expect(lock.packages[`node_modules/@nomicfoundation/edr-${platform}`]?.integrity, platform).to.be.a("string");
    }
  });

  it("matches package.json: every devDependency is locked at a version its range allows", function () {
    const rootEntry = lock.packages[""]!;
    expect(rootEntry.devDependencies).to.deep.equal(manifest.devDependencies);
    for (const name of Object.keys(manifest.devDependencies)) {
      expect(lock.packages[`node_modules/${name}`]?.version, name).to.be.a("string");
    }
  });
});
