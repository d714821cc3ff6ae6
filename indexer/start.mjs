// `npm start [-- --port 42069] [-- --hostname 0.0.0.0]`: starts the indexer from the first block with a fresh ledger.
// The ledger rules run in memory (src/index.ts), so the indexer's previous tables are dropped first:
// the PGlite folder, or the `ecoshare` schema of the Postgres database DATABASE_URL names.
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import pg from "pg";

const here = path.dirname(fileURLToPath(import.meta.url));
const schema = process.env.ECOSHARE_INDEXER_SCHEMA ?? "ecoshare";
if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
  console.error(`ECOSHARE_INDEXER_SCHEMA must be a lower-case SQL name, not "${schema}".`);
  process.exit(2);
}
if (process.env.DATABASE_URL) {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  try {
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } catch (error) {
    console.error(`Cannot reach the Postgres database DATABASE_URL names: ${error.message}`);
    process.exit(1);
  } finally {
    await client.end().catch(() => undefined);
  }
} else {
  rmSync(process.env.PONDER_PGLITE_DIR ?? path.join(here, ".ponder", "pglite"), { recursive: true, force: true });
}
// Loopback only unless told otherwise (-H/--hostname): Ponder would listen on every interface.
const args = process.argv.slice(2);
const hostname = args.some((a) => a === "-H" || a.startsWith("--hostname")) ? [] : ["--hostname", "127.0.0.1"];
const child = spawn(path.join(here, "node_modules", ".bin", "ponder"), ["start", "--schema", schema, ...hostname, ...args], {
  cwd: here,
  stdio: "inherit",
  env: { PONDER_TELEMETRY_DISABLED: "true", ...process.env },
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
