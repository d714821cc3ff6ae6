// An EIP-6963 test wallet for the end-to-end tests of the embedded checkout: it announces itself like a
// browser extension would, and forwards requests to the local Hardhat node, whose unlocked test account
// signs and sends. Configured by its script URL's query (a strict CSP allows no inline configuration), or, when
// a test injects it into every page (e2e/injectedWallet.ts), by window.__testWalletConfig with the same keys:
//   rpc       the node's URL                    account   the account to pay from
//   chain     the chain it starts on (hex; a chain it does not know until added: the switch-chain prompt)
//   typedData 0 = it cannot sign typed data (EIP-712), like some wallets: permits fall back to approve
//   batch     1 = it supports EIP-5792 atomic batches (wallet_sendCalls), sending them in one block
//   name      the name it announces (default "E2E Test Wallet")
// Requests, CSP violations and the checkout's events are recorded on window.__testWallet for the test.
(() => {
  const injected = window.__testWalletConfig;
  const params = injected ? new URLSearchParams(injected) : new URL(document.currentScript.src).searchParams;
  const rpc = params.get("rpc");
  const account = params.get("account");
  const nodeChain = "0x7a69";
  let chainId = params.get("chain") ?? nodeChain;
  const known = new Set([chainId]);
  const canSignTypedData = params.get("typedData") !== "0";
  const canBatch = params.get("batch") === "1";
  const listeners = new Map();
  const batches = new Map();
  const record = (window.__testWallet = { requests: [], violations: [] });
  document.addEventListener("securitypolicyviolation", (e) => record.violations.push(`${e.violatedDirective} ${e.blockedURI}`));

  const rpcError = (code, message) => Object.assign(new Error(message), { code });
  let id = 0;
  async function node(method, params) {
    const response = await fetch(rpc, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params }) });
    const body = await response.json();
    if (body.error) throw Object.assign(new Error(body.error.message), { code: body.error.code, data: body.error.data });
    return body.result;
  }
  const emit = (event, value) => (listeners.get(event) ?? []).forEach((f) => f(value));

  async function sendCalls({ calls, from }) {
    // One block for the whole batch: mining paused while the calls are sent, then one block mined.
    await node("evm_setAutomine", [false]);
    const hashes = [];
    try {
      for (const call of calls) hashes.push(await node("eth_sendTransaction", [{ from: from ?? account, to: call.to, data: call.data, value: call.value ?? "0x0", gas: "0x7a120" }]));
      await node("evm_mine", []);
    } finally {
      await node("evm_setAutomine", [true]);
    }
    const batchId = `0x${(batches.size + 1).toString(16).padStart(64, "0")}`;
    batches.set(batchId, hashes);
    return { id: batchId };
  }

  async function callsStatus(batchId) {
    const hashes = batches.get(batchId);
    if (!hashes) throw rpcError(5730, "Unknown bundle id");
    const receipts = await Promise.all(hashes.map((h) => node("eth_getTransactionReceipt", [h])));
    const ok = receipts.every((r) => r && r.status === "0x1");
    return { version: "2.0.0", id: batchId, chainId, atomic: true, status: ok ? 200 : 500, receipts: receipts.map((r) => ({ logs: r.logs, status: r.status, blockHash: r.blockHash, blockNumber: r.blockNumber, gasUsed: r.gasUsed, transactionHash: r.transactionHash })) };
  }

  const provider = {
    async request({ method, params = [] }) {
      record.requests.push(method);
      switch (method) {
        case "eth_requestAccounts":
        case "eth_accounts":
          return [account];
        case "eth_chainId":
          return chainId;
        case "wallet_switchEthereumChain":
          if (!known.has(params[0].chainId)) throw rpcError(4902, `Unrecognized chain ID ${params[0].chainId}. Try adding the chain first.`);
          chainId = params[0].chainId;
          emit("chainChanged", chainId);
          return null;
        case "wallet_addEthereumChain":
          if (params[0].chainId !== nodeChain) throw rpcError(4901, "This test wallet only reaches the local node.");
          known.add(params[0].chainId);
          return null;
        case "wallet_getCapabilities":
          if (!canBatch) throw rpcError(4200, "The wallet does not support wallet_getCapabilities.");
          return { [nodeChain]: { atomic: { status: "supported" } } };
        case "wallet_sendCalls":
          if (!canBatch) throw rpcError(4200, "The wallet does not support wallet_sendCalls.");
          return sendCalls(params[0]);
        case "wallet_getCallsStatus":
          return callsStatus(params[0]);
        case "eth_signTypedData_v4":
          if (!canSignTypedData) throw rpcError(4200, "The wallet does not support eth_signTypedData_v4.");
          return node(method, params);
        default:
          if (chainId !== nodeChain) throw rpcError(4901, `The wallet is on chain ${chainId}, not connected to the node.`);
          return node(method, params);
      }
    },
    on(event, listener) {
      listeners.set(event, [...(listeners.get(event) ?? []), listener]);
    },
    removeListener(event, listener) {
      listeners.set(event, (listeners.get(event) ?? []).filter((f) => f !== listener));
    },
  };

  const icon = "data:image/svg+xml;base64," + btoa('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#6d28d9"/><path d="M8 11h16v12H8z" fill="#fff"/></svg>');
  const detail = Object.freeze({ info: { uuid: "0f1e2d3c-4b5a-4968-8776-655443322110", name: params.get("name") ?? "E2E Test Wallet", icon, rdns: "invalid.ecoshare.e2e-wallet" }, provider });
  const announce = () => window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail }));
  window.addEventListener("eip6963:requestProvider", announce);
  announce();
})();
