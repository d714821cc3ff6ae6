// A throwaway cluster of Debian's Postgres for the indexer's tests and benchmark: initdb + pg_ctl from
// /usr/lib/postgresql/<newest>/bin, on a free loopback port, in a folder of the caller's; as the package's
// `postgres` user when run as root (Postgres refuses to run as root).
import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync } from "node:fs";
import path from "node:path";

import { freePort } from "./processes.ts";

export interface PostgresCluster {
  /** `postgresql://ecoshare@127.0.0.1:<port>/postgres` (trust authentication, loopback only). */
  url: string;
  /** Stops the cluster at once (its folder is the caller's to remove). */
  stop(): void;
}

/** Starts a cluster in `<work>/pg`; `work` must be a folder of its own (made readable to `postgres` when root). */
export async function startPostgres(work: string): Promise<PostgresCluster> {
  const versions = existsSync("/usr/lib/postgresql") ? readdirSync("/usr/lib/postgresql").sort((a, b) => Number(b) - Number(a)) : [];
  if (versions.length === 0) throw new Error("Debian's postgresql is not installed (apt-get install -y postgresql): the indexer's tests and benchmark need a real Postgres.");
  const bin = path.join("/usr/lib/postgresql", versions[0]!, "bin");
  const root = path.join(work, "pg");
  mkdirSync(root);
  let asPostgres: string[] = [];
  if (process.getuid?.() === 0) {
    chmodSync(work, 0o755);
    const uid = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
    if (uid.status !== 0) throw new Error("Running as root, a Postgres cluster needs the postgres user that Debian's postgresql creates.");
    chownSync(root, Number(uid.stdout.trim()), Number(spawnSync("id", ["-g", "postgres"], { encoding: "utf8" }).stdout.trim()));
    asPostgres = ["runuser", "-u", "postgres", "--"];
  }
  const run = (program: string, args: string[]) => {
    const [command, ...prefix] = [...asPostgres, path.join(bin, program)];
    return spawnSync(command!, [...prefix, ...args], { encoding: "utf8" });
  };
  const data = path.join(root, "data");
  const init = run("initdb", ["-D", data, "-U", "ecoshare", "--auth=trust", "--no-sync"]);
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  const started = run("pg_ctl", ["-D", data, "-l", path.join(root, "pg.log"), "-w", "-o", `-p ${port} -k ${root} -c listen_addresses=127.0.0.1`, "start"]);
  if (started.status !== 0) throw new Error(`pg_ctl start failed: ${started.stderr}${started.stdout}`);
  return {
    url: `postgresql://ecoshare@127.0.0.1:${port}/postgres`,
    stop: () => void run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]),
  };
}
