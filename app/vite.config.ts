import { existsSync, readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

import react from "@vitejs/plugin-react";
import { build, defineConfig, type Plugin, type Rolldown } from "vite";

import { EMBED_FILE } from "./vite.embed.config";

const here = fileURLToPath(new URL(".", import.meta.url));

/**
 * Serves the deployment records (ignition/records/chain-<id>.json, written by the deploy step) under
 * `records/`, plus `records/index.json` listing them with the RPC URL to read each chain through.
 * Dev and preview servers read the folder on every request (a redeployed demo needs no rebuild); a build
 * copies what is there. ECOSHARE_RECORDS_DIR points elsewhere (the e2e tests' own node),
 * ECOSHARE_RPC_URL sets the local chain's RPC URL (default http://127.0.0.1:8545).
 */
function deploymentRecords(): Plugin {
  const dir = resolve(here, process.env.ECOSHARE_RECORDS_DIR ?? "../ignition/records");
  const localRpc = process.env.ECOSHARE_RPC_URL ?? "http://127.0.0.1:8545";
  const files = () => (existsSync(dir) ? readdirSync(dir).filter((f) => /^chain-\d+\.json$/.test(f)).sort() : []);
  const index = () =>
    JSON.stringify({
      deployments: files().map((file) => {
        const chainId = Number(/chain-(\d+)/.exec(file)![1]);
        const envRpc = process.env[`ECOSHARE_RPC_URL_${chainId}`];
        return { chainId, file, ...(chainId === 31337 ? { rpcUrl: localRpc } : envRpc ? { rpcUrl: envRpc } : {}) };
      }),
    });
  const serve = (server: { middlewares: { use: (fn: (req: { url?: string }, res: any, next: () => void) => void) => unknown } }): void => {
    server.middlewares.use((req, res, next) => {
      const match = /\/records\/(index\.json|chain-\d+\.json)(\?.*)?$/.exec(req.url ?? "");
      if (!match) return next();
      const name = match[1]!;
      const body = name === "index.json" ? index() : existsSync(resolve(dir, name)) ? readFileSync(resolve(dir, name), "utf8") : null;
      res.setHeader("content-type", "application/json");
      res.setHeader("cache-control", "no-store");
      if (body === null) {
        res.statusCode = 404;
        res.end("{}");
      } else res.end(body);
    });
  };
  return {
    name: "ecoshare-deployment-records",
    configureServer: serve,
    configurePreviewServer: serve,
    generateBundle() {
      this.emitFile({ type: "asset", fileName: "records/index.json", source: index() });
      for (const file of files()) this.emitFile({ type: "asset", fileName: `records/${file}`, source: readFileSync(resolve(dir, file), "utf8") });
    },
  };
}

/**
 * Serves the embeddable checkout at `/embed/ecoshare-checkout.js` from the dev and preview servers, so the demo's
 * partner page (another origin) loads it from the app's origin as a partner's page would. The dev server builds
 * it with vite.embed.config.ts on first request (the real bundle, not source modules) and again after a
 * source file changes. Any origin may load it (CORS `*`): it is public code, and a module script from another
 * origin needs the header.
 */
function embeddedCheckout(): Plugin {
  const path = `/embed/${EMBED_FILE}`;
  let bundle: Promise<string> | undefined;
  const buildBundle = async () => {
    const output = (await build({ configFile: resolve(here, "vite.embed.config.ts"), build: { write: false }, logLevel: "warn" })) as Rolldown.RolldownOutput | Rolldown.RolldownOutput[];
    const chunk = (Array.isArray(output) ? output[0]! : output).output.find((o) => o.type === "chunk" && o.fileName === EMBED_FILE);
    if (!chunk || chunk.type !== "chunk") throw new Error(`The embed build produced no ${EMBED_FILE}.`);
    return chunk.code;
  };
  const send = (res: any, status: number, type: string, body: string) => {
    res.statusCode = status;
    res.setHeader("content-type", type);
    res.setHeader("access-control-allow-origin", "*");
    res.setHeader("cache-control", "no-store");
    res.end(body);
  };
  return {
    name: "ecoshare-embedded-checkout",
    configureServer(server) {
      server.watcher.on("change", (file) => {
        if (file.startsWith(resolve(here, "src")) || file.startsWith(resolve(here, "../client"))) bundle = undefined;
      });
      server.middlewares.use((req, res, next) => {
        if ((req.url ?? "").split("?")[0] !== path) return next();
        bundle ??= buildBundle();
        bundle.then(
          (code) => send(res, 200, "text/javascript; charset=utf-8", code),
          (error: unknown) => {
            bundle = undefined;
            send(res, 500, "text/plain; charset=utf-8", `The embedded checkout failed to build: ${String(error)}`);
          },
        );
      });
    },
    configurePreviewServer(server) {
      // The built file sits in dist/embed/; the preview server only needs the CORS header for other origins.
      server.middlewares.use((req, res, next) => {
        if ((req.url ?? "").split("?")[0] === path) res.setHeader("access-control-allow-origin", "*");
        next();
      });
    },
  };
}

export default defineConfig({
  base: "./",
  plugins: [react(), deploymentRecords(), embeddedCheckout()],
  // The shared client (../client) imports viem too: one copy in the bundle, the app's.
  resolve: { dedupe: ["viem"] },
  server: { host: "127.0.0.1", fs: { allow: [resolve(here, "..")] } },
  preview: { host: "127.0.0.1" },
  build: { target: "es2022", sourcemap: false },
});
