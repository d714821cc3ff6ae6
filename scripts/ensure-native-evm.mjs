// Runs after `npm install` (the package's postinstall).
//
// npm run by Node 20 silently skips Hardhat's native EVM (@nomicfoundation/edr-<platform>, whose engines
// say Node >= 22), and `hardhat test` then fails to load it. npm scripts put node_modules/.bin first on
// PATH, where the `node` devDependency provides Node 22, so a second `npm install` started from here runs
// on Node 22 and installs it. Plain JavaScript: this must run before anything else is installed.
import { execSync } from "node:child_process";
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
  execSync("npm install --no-audit --no-fund", {
    stdio: "inherit",
    env: { ...process.env, ECOSHARE_REINSTALLING: "1" },
  });
}
