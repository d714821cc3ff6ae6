// `npm test` in app/: type check, Vitest (components, hooks, logic), then the end-to-end tests in Debian's
// Chromium against the real demo (node's test runner). Ends with one plain line `N passed, N failed`
// totalling both suites (also written to .ci-out/app-summary.txt) for CI to read.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";

const ANSI = /\x1b\[[0-9;]*m/g;
const node = process.execPath;
const bin = (name) => `node_modules/.bin/${name}`;
let passed = 0;
let failed = 0;
const problems = [];

function run(name, command, args, parse) {
  console.log(`\n=== ${name}: ${command} ${args.join(" ")}`);
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, FORCE_COLOR: "0" } });
    let output = "";
    for (const stream of [child.stdout, child.stderr]) {
      stream.on("data", (chunk) => {
        output += chunk;
        process.stdout.write(chunk);
      });
    }
    child.on("close", (code) => {
      parse?.(output.replace(ANSI, ""));
      if (code !== 0) problems.push(`${name} failed (exit code ${code})`);
      resolve();
    });
  });
}

/** Vitest's summary: "Tests  36 passed (36)" or "Tests  1 failed | 35 passed (36)". */
function parseVitest(text) {
  const line = text.match(/^\s*Tests\s+(.*)$/m)?.[1] ?? "";
  passed += Number(line.match(/(\d+) passed/)?.[1] ?? 0);
  failed += Number(line.match(/(\d+) failed/)?.[1] ?? 0);
  if (!line) problems.push("Vitest printed no summary");
}

/** Node's test runner: "# pass 5" and "# fail 0". */
function parseNodeTest(text) {
  const pass = text.match(/^# pass (\d+)$/m);
  passed += Number(pass?.[1] ?? 0);
  failed += Number(text.match(/^# fail (\d+)$/m)?.[1] ?? 0) + Number(text.match(/^# cancelled (\d+)$/m)?.[1] ?? 0);
  if (!pass) problems.push("the end-to-end run printed no summary");
}

/**
 * Every end-to-end test file, so a new one cannot be left out of CI. They run under the shared client's import
 * hook (scripts/node/ts-imports.mjs): some load scripts/demo and client, whose imports name `.js` files.
 */
const endToEndTests = readdirSync("e2e").filter((f) => f.endsWith(".e2e.test.ts")).sort().map((f) => `e2e/${f}`);

await run("type check", node, [bin("tsc"), "--noEmit", "-p", "."]);
await run("unit and component tests", node, [bin("vitest"), "run"], parseVitest);
if (existsSync(process.env.CHROMIUM_PATH ?? "/usr/bin/chromium")) {
  await run("end-to-end tests", node, ["--import", "../scripts/node/ts-imports.mjs", "--test", "--test-concurrency=1", "--test-reporter=tap", ...endToEndTests], parseNodeTest);
} else {
  problems.push("Chromium is missing (/usr/bin/chromium): install Debian's package `chromium` to run the end-to-end tests");
}

const summary = `${passed} passed, ${failed} failed`;
mkdirSync(".ci-out", { recursive: true });
writeFileSync(".ci-out/app-summary.txt", summary + "\n");
if (problems.length > 0) {
  console.log("\nChecks that failed:");
  for (const problem of problems) console.log(`- ${problem}`);
}
console.log(`\n${summary}`);
process.exitCode = problems.length > 0 || failed > 0 ? 1 : 0;
