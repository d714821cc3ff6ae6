/**
 * The embeddable checkout's own build: one ES module, `embed/ecoshare-checkout.js`, with viem inside and no
 * React (bench/embed-size.ts measures it and checks that). `npm run build` writes it to dist/embed/ beside
 * the app; the app's dev server builds it on request at the same path (vite.config.ts).
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { defineConfig, type Plugin } from "vite";

const here = fileURLToPath(new URL(".", import.meta.url));

export const EMBED_ENTRY = resolve(here, "src/embed/checkout-element.ts");
export const EMBED_FILE = "ecoshare-checkout.js";

/**
 * The generated ABIs carry each parameter's Solidity `internalType` ("struct IReferralPayments.OrderLine"),
 * which viem never reads: dropped from the embedded bundle (1,000+ bytes gzip), the ABI itself unchanged.
 */
function withoutInternalTypes(): Plugin {
  return {
    name: "ecoshare-abi-without-internal-types",
    transform(code, id) {
      if (!id.endsWith("/client/abis.generated.ts")) return undefined;
      return { code: code.replace(/"internalType": "[^"]*",\s*/g, ""), map: null };
    },
  };
}

/** viem's lazy secp256k1 import (EIP-7702 authorization recovery, never used here): see src/embed/build/no-secp256k1.ts. */
function withoutSecp256k1(): Plugin {
  return {
    name: "ecoshare-embed-without-secp256k1",
    enforce: "pre",
    resolveId(source, importer) {
      if (source === "@noble/curves/secp256k1" && importer?.includes("/viem/_esm/utils/signature/recoverPublicKey.js")) return resolve(here, "src/embed/build/no-secp256k1.ts");
      return undefined;
    },
  };
}

export default defineConfig({
  plugins: [withoutInternalTypes(), withoutSecp256k1()],
  publicDir: false,
  // The shared client (../client) imports viem too: one copy in the bundle, the app's.
  resolve: { dedupe: ["viem"] },
  logLevel: "warn",
  build: {
    target: "es2022",
    outDir: resolve(here, "dist/embed"),
    emptyOutDir: false,
    copyPublicDir: false,
    sourcemap: false,
    minify: true,
    lib: { entry: EMBED_ENTRY, formats: ["es"], fileName: () => EMBED_FILE },
    // One file, minified (lib mode leaves ES output unminified otherwise): viem's lazy imports go in too.
    rolldownOptions: { output: { codeSplitting: false, minify: true } },
  },
});
