// `npm test`: every check the project holds itself to, in order, then one plain line
// `N passed, N failed` with the totals of every test suite run (also written to .ci-out/summary.txt).
//
// 1. Compile, then the TypeScript type check (tsc), zero errors.
// 2. solhint on contracts and Solidity tests, zero warnings.
// 3. Contract and tooling tests: mocha (TypeScript) and Solidity fuzz/invariant tests, under Hardhat's
//    coverage; fails when line or statement coverage of contracts/ falls below COVERAGE_THRESHOLD.
// 4. The web app's tests (app/): its type check, Vitest, and end-to-end tests in Chromium against the demo.
// 5. The indexer's tests (indexer/): its type check, then node's test runner against a real Postgres and a
//    real Hardhat node (indexer/test).
import { readFileSync } from "node:fs";
import { spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";

const COVERAGE_THRESHOLD = 98;

const stages = [
  // Compiling first also generates the contracts' TypeScript types (types/) that the type check needs.
  { name: "compile", command: "npx", args: ["hardhat", "compile"] },
  { name: "type check", command: "npx", args: ["tsc", "--noEmit", "-p", "."] },
  {
    name: "solhint",
    command: "npx",
    args: ["solhint", "--max-warnings", "0", "--disc", "contracts/**/*.sol", "test/**/*.sol"],
  },
  { name: "contract tests", command: "npx", args: ["hardhat", "test", "--coverage"], parse: parseHardhat },
  { name: "web app tests", command: "npm", args: ["test", "--prefix", "app"], parse: parseApp },
  { name: "indexer type check", command: "npm", args: ["run", "typecheck", "--prefix", "indexer"] },
  { name: "indexer tests", command: "npm", args: ["test", "--prefix", "indexer"], parse: parseNodeTest },
];

const ANSI = /\x1b\[[0-9;]*m/g;
let passed = 0;
let failed = 0;
const problems = [];

/** Reads Hardhat's own summary lines ("12 passing (10 mocha, 2 solidity)") and its coverage table. */
function parseHardhat(output) {
  const text = output.replace(ANSI, "");
  const count = (label) => Number(text.match(new RegExp(`^(\\d+) ${label} \\(`, "m"))?.[1] ?? 0);
  passed += count("passing");
  failed += count("failing");
  const skipped = count("skipped") + count("todo");
  if (skipped > 0) problems.push(`${skipped} test(s) skipped or left as todo: none may be left behind`);
  const total = text.match(/Total\s*│\s*([\d.]+)\s*│\s*([\d.]+)/);
  if (!total) {
    problems.push("the coverage report was not printed");
    return;
  }
  const [lines, statements] = [Number(total[1]), Number(total[2])];
  console.log(`Contract coverage: ${lines}% of lines, ${statements}% of statements (threshold ${COVERAGE_THRESHOLD}%).`);
  if (lines < COVERAGE_THRESHOLD || statements < COVERAGE_THRESHOLD) {
    problems.push(`contract coverage ${lines}% lines / ${statements}% statements is below ${COVERAGE_THRESHOLD}%`);
  }
}

/** app/'s own runner totals its suites and writes `N passed, N failed` to app/.ci-out/app-summary.txt. */
function parseApp() {
  let summary = "";
  try {
    summary = readFileSync("app/.ci-out/app-summary.txt", "utf8");
  } catch {
    problems.push("the web app's tests wrote no summary");
    return;
  }
  const [, appPassed, appFailed] = summary.match(/(\d+) passed, (\d+) failed/) ?? [];
  passed += Number(appPassed ?? 0);
  failed += Number(appFailed ?? 0);
}

/** node's test runner (TAP): its closing `# pass N` and `# fail N` lines. */
function parseNodeTest(output) {
  const count = (label) => Number(output.match(new RegExp(`^# ${label} (\\d+)$`, "m"))?.[1] ?? NaN);
  const [pass, fail] = [count("pass"), count("fail")];
  if (Number.isNaN(pass) || Number.isNaN(fail)) {
    problems.push("the indexer's tests printed no totals");
    return;
  }
  passed += pass;
  failed += fail;
  const skipped = count("skipped") + count("todo");
  if (skipped > 0) problems.push(`${skipped} indexer test(s) skipped or left as todo: none may be left behind`);
}

function run({ command, args }) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], env: process.env });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
      process.stderr.write(chunk);
    });
    child.on("error", (error) => resolve({ code: 1, output: `${output}\n${error.message}` }));
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

rmSync("app/.ci-out/app-summary.txt", { force: true });
for (const stage of stages) {
  console.log(`\n=== ${stage.name}: ${stage.command} ${stage.args.join(" ")}`);
  const { code, output } = await run(stage);
  stage.parse?.(output);
  if (code !== 0) problems.push(`${stage.name} failed (exit code ${code})`);
}

const summary = `${passed} passed, ${failed} failed`;
mkdirSync(".ci-out", { recursive: true });
writeFileSync(".ci-out/summary.txt", summary + "\n");
if (problems.length > 0) {
  console.log("\nChecks that failed:");
  for (const problem of problems) console.log(`- ${problem}`);
}
console.log(`\n${summary}`);
process.exitCode = problems.length > 0 || failed > 0 ? 1 : 0;
