/**
 * The development wallet: a wagmi connector backed by the local node's well-known demo accounts (the
 * public Hardhat test mnemonic), so the local demo works with no browser extension.
 *
 * IMPORTANT: these keys are public. The connector exists only on the local chain (31337): it refuses to
 * connect or switch to any other chain, and the app adds it to the wagmi config only when the app's chain
 * is the local one (see config.ts). Signing happens here, in the page, with viem's local account; every
 * other request is forwarded to the local node.
 */
import {
  createWalletClient,
  fromHex,
  getAddress,
  http,
  numberToHex,
  SwitchChainError,
  UserRejectedRequestError,
  type Address,
  type Chain,
  type EIP1193RequestFn,
  type Hex,
  type TypedDataDefinition,
} from "viem";
import { mnemonicToSeedSync } from "@scure/bip39";
import { HDKey, hdKeyToAccount, nonceManager, type HDAccount } from "viem/accounts";
import { createConnector } from "wagmi";

import { LOCAL_CHAIN_ID } from "./chains";
import { DEV_WALLET_ID, type DevAccount, type DevWalletProperties } from "./devWalletId";

/** The mnemonic Hardhat and anvil derive their funded test accounts from. Public: test use only. */
export const HARDHAT_TEST_MNEMONIC = "test test test test test test test test test test test junk";

/** The demo's roles for the first accounts of the local node, used when the record names none. */
export const DEFAULT_DEMO_ROLES = [
  "Deployer",
  "City Stay operator",
  "Hotel",
  "Airline",
  "Travel agent",
  "Tour guide",
  "Customer",
  "Customer 2",
  "Restaurant",
  "Spare account",
] as const;

export { DEV_WALLET_ID, type DevAccount, type DevWalletProperties };
const STORAGE_KEY = "ecoshare.devWallet";

/**
 * The mnemonic's master key, made once: turning a mnemonic into a seed is PBKDF2 with 2,048 rounds, which
 * `mnemonicToAccount` would do again for every account (about 1.5 s for the demo's accounts on a busy machine).
 */
let master: HDKey | undefined;
function masterKey(): HDKey {
  master ??= HDKey.fromMasterSeed(mnemonicToSeedSync(HARDHAT_TEST_MNEMONIC));
  return master;
}

/**
 * The first `count` accounts of the test mnemonic, labelled with their demo roles. `known` gives addresses
 * by index (the demo's record lists them), so only the others are derived.
 */
export function devAccounts(labels: Record<string, string> = {}, count: number = DEFAULT_DEMO_ROLES.length, known: ReadonlyMap<number, Address> = new Map()): DevAccount[] {
  return Array.from({ length: count }, (_, index) => {
    const address = known.get(index) ?? hdKeyToAccount(masterKey(), { addressIndex: index }).address;
    return { index, address, label: labels[address] ?? DEFAULT_DEMO_ROLES[index] ?? `Account ${index}` };
  });
}

export interface DevWalletParameters {
  /** The local chain, whose default RPC URL the wallet sends transactions to. */
  chain: Chain;
  accounts: DevAccount[];
}

interface Saved {
  connected: boolean;
  index: number;
}

function readSaved(): Saved {
  try {
    const value = JSON.parse(globalThis.localStorage?.getItem(STORAGE_KEY) ?? "null") as Saved | null;
    if (value && typeof value.index === "number") return value;
  } catch {
    // A corrupt entry only loses the remembered account.
  }
  return { connected: false, index: 0 };
}

function save(value: Saved) {
  globalThis.localStorage?.setItem(STORAGE_KEY, JSON.stringify(value));
}

devWallet.type = "devWallet" as const;

/** wagmi connector for the development wallet. Throws if built for any chain but the local one. */
export function devWallet({ chain, accounts }: DevWalletParameters) {
  if (chain.id !== LOCAL_CHAIN_ID) throw new Error("The development wallet exists only on the local chain (31337).");
  const rpcUrl = chain.rpcUrls.default.http[0];
  let saved = readSaved();
  if (saved.index >= accounts.length) saved = { ...saved, index: 0 };
  const hdAccounts = new Map<number, HDAccount>();
  const hdAccount = (index: number) => {
    let account = hdAccounts.get(index);
    if (!account) {
      account = hdKeyToAccount(masterKey(), { addressIndex: index, nonceManager });
      const listed = accounts[index]?.address;
      if (listed !== undefined && listed !== account.address) {
        throw new Error(`The deployment record names ${listed} as demo account ${index}, but the test mnemonic gives ${account.address}: this record is not the local demo's.`);
      }
      hdAccounts.set(index, account);
    }
    return account;
  };
  const current = () => hdAccount(saved.index);
  // The address is known without deriving the key (the record or devAccounts gave it): connecting is instant.
  const currentAddress = (): Address => accounts[saved.index]?.address ?? current().address;

  const handle = async ({ method, params }: { method: string; params?: unknown }): Promise<unknown> => {
    const args = (params ?? []) as unknown[];
    switch (method) {
      case "eth_chainId":
        return numberToHex(LOCAL_CHAIN_ID);
      case "eth_accounts":
      case "eth_requestAccounts":
        return saved.connected || method === "eth_requestAccounts" ? [currentAddress()] : [];
      case "wallet_switchEthereumChain": {
        const target = fromHex((args[0] as { chainId: Hex }).chainId, "number");
        if (target !== LOCAL_CHAIN_ID) throw new SwitchChainError(new Error("The development wallet only works on the local chain."));
        return null;
      }
      case "eth_sendTransaction": {
        const tx = args[0] as { to?: Address; data?: Hex; value?: Hex; gas?: Hex };
        const client = createWalletClient({ account: current(), chain, transport: http(rpcUrl) });
        return client.sendTransaction({
          to: tx.to ?? null,
          data: tx.data,
          value: tx.value ? fromHex(tx.value, "bigint") : undefined,
          gas: tx.gas ? fromHex(tx.gas, "bigint") : undefined,
        } as Parameters<typeof client.sendTransaction>[0]);
      }
      case "eth_signTypedData_v4": {
        const [signer, json] = args as [Address, string];
        assertSigner(signer);
        const typed = JSON.parse(json) as TypedDataDefinition & { types: Record<string, unknown> };
        const { EIP712Domain: _domainType, ...types } = typed.types;
        return current().signTypedData({ ...typed, types } as TypedDataDefinition);
      }
      case "personal_sign": {
        const [message, signer] = args as [Hex, Address];
        assertSigner(signer);
        return current().signMessage({ message: { raw: message } });
      }
      default: {
        const response = await fetch(rpcUrl!, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params: args }),
        });
        const body = (await response.json()) as { result?: unknown; error?: { code: number; message: string; data?: unknown } };
        if (body.error) throw Object.assign(new Error(body.error.message), body.error);
        return body.result;
      }
    }
  };

  const request = handle as EIP1193RequestFn;

  function assertSigner(signer: Address) {
    if (getAddress(signer) !== currentAddress()) {
      throw new UserRejectedRequestError(new Error("The development wallet signs only for the selected account."));
    }
  }

  return createConnector<{ request: EIP1193RequestFn }, DevWalletProperties>((config) => ({
    id: DEV_WALLET_ID,
    name: "Development wallet (local chain only)",
    type: devWallet.type,
    async connect(parameters) {
      if (parameters?.chainId !== undefined && parameters.chainId !== LOCAL_CHAIN_ID) {
        throw new SwitchChainError(new Error("The development wallet only works on the local chain."));
      }
      saved = { ...saved, connected: true };
      save(saved);
      return { accounts: [currentAddress()], chainId: LOCAL_CHAIN_ID } as never;
    },
    async disconnect() {
      saved = { ...saved, connected: false };
      save(saved);
    },
    async getAccounts() {
      return [currentAddress()];
    },
    async getChainId() {
      return LOCAL_CHAIN_ID;
    },
    async getProvider() {
      return { request };
    },
    async isAuthorized() {
      return saved.connected;
    },
    async switchChain({ chainId }) {
      const target = config.chains.find((c) => c.id === chainId);
      if (chainId !== LOCAL_CHAIN_ID || !target) {
        throw new SwitchChainError(new Error("The development wallet only works on the local chain."));
      }
      return target;
    },
    onAccountsChanged(next) {
      config.emitter.emit("change", { accounts: next.map((a) => getAddress(a)) });
    },
    onChainChanged() {},
    onDisconnect() {
      config.emitter.emit("disconnect");
    },
    devAccounts() {
      return { accounts, current: saved.index };
    },
    selectAccount(index: number) {
      if (!accounts[index]) throw new Error(`No demo account ${index}.`);
      saved = { ...saved, index };
      save(saved);
      config.emitter.emit("change", { accounts: [currentAddress()] });
    },
  }));
}
