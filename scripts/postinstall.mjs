// Runs after the root `npm install` (the package's postinstall): makes the checkout ready to test.
//
// 1. npm run by Node 20 silently skips Hardhat's native EVM (@nomicfoundation/edr-<platform>, whose engines
//    say Node >= 22), and `hardhat test` then fails to load it. npm scripts put node_modules/.bin first on
//    PATH, where the `node` devDependency provides Node 22, so a second `npm install` started from here runs
//    on Node 22 and installs it.
// 2. The web app (app/) and the indexer (indexer/) have their own lockfiles: install each with `npm ci`,
//    unless that lockfile is already what its node_modules was installed from.
// Plain JavaScript: this runs before anything else is installed.
import { execSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

function nativeEvmLoads() {
  try {
    require("@nomicfoundation/edr");
    return true;
  } catch {
    return false;
  }
}

if (!nativeEvmLoads()) {
  if (process.env.ECOSHARE_REINSTALLING === "1") {
    console.error(
      "Hardhat's native EVM (@nomicfoundation/edr) still does not load after a reinstall on Node " +
        `${process.versions.node}: run \`npx -y -p node@22 -- npm install\` and try again.`,
    );
    process.exit(1);
  }
  const npmAgent = process.env.npm_config_user_agent ?? "npm on an older Node.js";
  console.log(
    `Hardhat's native EVM was skipped by ${npmAgent.split(" ").slice(0, 2).join(" on ")}; ` +
      `reinstalling with the project's Node ${process.versions.node} (node_modules/.bin/node).`,
  );
  // The nested install runs this script again, which then installs the app.
  execSync("npm install --no-audit --no-fund", {
    stdio: "inherit",
    env: { ...process.env, ECOSHARE_REINSTALLING: "1" },
  });
  process.exit(0);
}

for (const [folder, what] of [
  ["app", "the web app"],
  ["indexer", "the indexer"],
]) {
  const lockHash = createHash("sha256").update(readFileSync(`${folder}/package-lock.json`)).digest("hex");
  const stamp = `${folder}/node_modules/.ecoshare-lock-sha256`;
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === lockHash) {
    console.log(`${folder}/ dependencies are up to date.`);
  } else {
    console.log(`Installing ${what}'s dependencies (${folder}/, npm ci).`);
    execSync("npm ci --no-audit --no-fund", { stdio: "inherit", cwd: folder });
    writeFileSync(stamp, lockHash);
  }
}
