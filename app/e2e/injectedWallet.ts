/**
 * A test wallet for pages under test: an EIP-1193 provider announced by EIP-6963 (as a wallet extension
 * announces itself), which hands out one account of the demo node and forwards every request to the node,
 * whose unlocked test accounts sign. It says it cannot batch (EIP-5792), so a checkout takes its other path.
 */
import type { Page } from "playwright-core";

export interface InjectTestWalletParameters {
  rpcUrl: string;
  account: `0x${string}`;
  name?: string;
}

/** Injects the wallet into every document `page` loads from now on. */
export async function injectTestWallet(page: Page, { rpcUrl, account, name = "Test wallet" }: InjectTestWalletParameters): Promise<void> {
  await page.addInitScript(
    ({ rpcUrl, account, name }) => {
      let id = 0;
      const provider = {
        async request({ method, params }: { method: string; params?: unknown[] }) {
          if (method === "eth_requestAccounts" || method === "eth_accounts") return [account];
          if (method === "wallet_switchEthereumChain") return null;
          if (method.startsWith("wallet_")) throw Object.assign(new Error(`${name} does not support ${method}.`), { code: 4200 });
          const response = await fetch(rpcUrl, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params: params ?? [] }),
          });
          const json = (await response.json()) as { result?: unknown; error?: { code: number; message: string; data?: unknown } };
          if (json.error) throw Object.assign(new Error(json.error.message), { code: json.error.code, data: json.error.data });
          return json.result;
        },
        on() {},
        removeListener() {},
      };
      const info = {
        uuid: "5c2b4e0e-0000-4000-8000-00000000e2e0",
        name,
        icon: "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 8 8'%3E%3Ccircle cx='4' cy='4' r='4' fill='%23888'/%3E%3C/svg%3E",
        rdns: "dev.ecoshare.test-wallet",
      };
      const announce = () => window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail: Object.freeze({ info, provider }) }));
      window.addEventListener("eip6963:requestProvider", announce);
      announce();
    },
    { rpcUrl, account, name },
  );
}
