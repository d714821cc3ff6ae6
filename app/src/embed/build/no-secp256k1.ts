/**
 * Stands in for `@noble/curves/secp256k1` in the embedded checkout's bundle only (vite.embed.config.ts).
 * viem imports it lazily to recover the signer of an EIP-7702 authorization list before sending a
 * transaction; the checkout never sends one, and a whole elliptic-curve implementation (10 KiB gzip) would
 * otherwise ride along in the one-file bundle. Reaching this is a bug, said plainly.
 */
function unsupported(): never {
  throw new Error("The embedded checkout does not recover signatures (EIP-7702 authorization lists are not supported here).");
}

export const secp256k1 = new Proxy({}, { get: unsupported });
