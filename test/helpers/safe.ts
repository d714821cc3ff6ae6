/**
 * The real Safe multisig (@safe-global/safe-smart-account 1.5.0, deployed from its published artifacts) on
 * the test chain: the singleton, proxy factory, fallback handler and SignMessageLib, Safe proxies, Safe
 * transactions signed by owners, and Safe messages (how a Safe signs an EIP-712 digest for ERC-1271).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

import {
  AbiCoder,
  Contract,
  ContractFactory,
  concat,
  getCreate2Address,
  type InterfaceAbi,
  keccak256,
  type Signer,
  type TransactionReceipt,
  solidityPacked,
  solidityPackedKeccak256,
  ZeroAddress,
} from "ethers";

const require = createRequire(import.meta.url);

interface Artifact {
  abi: InterfaceAbi;
  bytecode: string;
}

function artifact(path: string): Artifact {
  const file = require.resolve(`@safe-global/safe-smart-account/build/artifacts/contracts/${path}`);
  return JSON.parse(readFileSync(file, "utf8")) as Artifact;
}

export const safeArtifacts = {
  singleton: artifact("Safe.sol/Safe.json"),
  proxyFactory: artifact("proxies/SafeProxyFactory.sol/SafeProxyFactory.json"),
  fallbackHandler: artifact("handler/CompatibilityFallbackHandler.sol/CompatibilityFallbackHandler.json"),
  signMessageLib: artifact("libraries/SignMessageLib.sol/SignMessageLib.json"),
};

/** Safe's `Enum.Operation`: SignMessageLib must be reached by delegatecall, so it writes the Safe's storage. */
export enum Operation {
  Call,
  DelegateCall,
}

/** The Safe contracts every Safe proxy of a test chain shares. */
export interface SafeSuite {
  singleton: Contract;
  proxyFactory: Contract;
  fallbackHandler: Contract;
  signMessageLib: Contract;
}

/** Deploys the Safe singleton, proxy factory, CompatibilityFallbackHandler and SignMessageLib. */
export async function deploySafeSuite(deployer: Signer): Promise<SafeSuite> {
  const deploy = async ({ abi, bytecode }: Artifact) => {
    const contract = await new ContractFactory(abi, bytecode, deployer).deploy();
    await contract.waitForDeployment();
    return new Contract(await contract.getAddress(), abi, deployer);
  };
  return {
    singleton: await deploy(safeArtifacts.singleton),
    proxyFactory: await deploy(safeArtifacts.proxyFactory),
    fallbackHandler: await deploy(safeArtifacts.fallbackHandler),
    signMessageLib: await deploy(safeArtifacts.signMessageLib),
  };
}

/** What the proxy factory is called with to create a Safe, and the address it will have (CREATE2). */
export interface SafeCreation {
  address: string;
  factory: string;
  factoryCalldata: string;
}

/** The creation of a `threshold`-of-`owners` Safe with the compatibility fallback handler, not sent. */
export async function safeCreation(
  suite: SafeSuite,
  owners: string[],
  threshold: number,
  saltNonce: bigint,
): Promise<SafeCreation> {
  const initializer = suite.singleton.interface.encodeFunctionData("setup", [
    owners,
    threshold,
    ZeroAddress,
    "0x",
    await suite.fallbackHandler.getAddress(),
    ZeroAddress,
    0,
    ZeroAddress,
  ]);
  const singleton = await suite.singleton.getAddress();
  const factory = await suite.proxyFactory.getAddress();
  // The factory's own CREATE2 rule (SafeProxyFactory.createProxyWithNonce), so a created Safe can be named too.
  const salt = solidityPackedKeccak256(["bytes32", "uint256"], [keccak256(initializer), saltNonce]);
  const initCode = solidityPacked(["bytes", "uint256"], [await suite.proxyFactory.getFunction("proxyCreationCode")(), singleton]);
  const args = [singleton, initializer, saltNonce];
  return {
    address: getCreate2Address(factory, salt, keccak256(initCode)),
    factory,
    factoryCalldata: suite.proxyFactory.interface.encodeFunctionData("createProxyWithNonce", args),
  };
}

/** Creates a `threshold`-of-`owners` Safe proxy and returns it (with the Safe's ABI). */
export async function createSafe(
  suite: SafeSuite,
  owners: string[],
  threshold: number,
  saltNonce = 0n,
): Promise<Contract> {
  const creation = await safeCreation(suite, owners, threshold, saltNonce);
  const runner = suite.proxyFactory.runner as Signer;
  const receipt = await (await runner.sendTransaction({ to: creation.factory, data: creation.factoryCalldata })).wait();
  const created = receipt!.logs.map((log) => suite.proxyFactory.interface.parseLog(log)).find((e) => e?.name === "ProxyCreation");
  if (created?.args.proxy !== creation.address) {
    throw new Error(`The Safe proxy factory created ${created?.args.proxy}, not the predicted ${creation.address}`);
  }
  return new Contract(creation.address, safeArtifacts.singleton.abi, runner);
}

/** One owner's signature, with the owner it must be sorted by. */
export interface OwnerSignature {
  owner: string;
  signature: string;
}

/** Owners' signatures as Safe's `checkSignatures` reads them: concatenated in ascending order of owner address. */
export function packSignatures(signatures: OwnerSignature[]): string {
  const sorted = [...signatures].sort((a, b) => (BigInt(a.owner) < BigInt(b.owner) ? -1 : 1));
  return concat(sorted.map((s) => s.signature));
}

async function safeDomain(safe: Contract) {
  const { chainId } = await safe.runner!.provider!.getNetwork();
  return { chainId, verifyingContract: await safe.getAddress() };
}

const safeTxTypes = {
  SafeTx: [
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "data", type: "bytes" },
    { name: "operation", type: "uint8" },
    { name: "safeTxGas", type: "uint256" },
    { name: "baseGas", type: "uint256" },
    { name: "gasPrice", type: "uint256" },
    { name: "gasToken", type: "address" },
    { name: "refundReceiver", type: "address" },
    { name: "nonce", type: "uint256" },
  ],
};

/** A call the Safe makes, as its owners see it in Safe{Wallet}. */
export interface SafeCall {
  to: string;
  data: string;
  value?: bigint;
  operation?: Operation;
}

/**
 * Has `owners` sign `call` as the Safe's next transaction (EIP-712 SafeTx, no gas refund) and `submitter`
 * execute it. Safe reverts (GS013) when the inner call fails, so a returned receipt means the call succeeded.
 */
export async function execSafeTransaction(
  safe: Contract,
  owners: Signer[],
  call: SafeCall,
  submitter: Signer,
): Promise<TransactionReceipt> {
  const tx = {
    to: call.to,
    value: call.value ?? 0n,
    data: call.data,
    operation: call.operation ?? Operation.Call,
    safeTxGas: 0n,
    baseGas: 0n,
    gasPrice: 0n,
    gasToken: ZeroAddress,
    refundReceiver: ZeroAddress,
    nonce: await safe.getFunction("nonce")(),
  };
  const domain = await safeDomain(safe);
  const signatures = await Promise.all(
    owners.map(async (owner) => ({ owner: await owner.getAddress(), signature: await owner.signTypedData(domain, safeTxTypes, tx) })),
  );
  const execTransaction = (safe.connect(submitter) as Contract).getFunction("execTransaction");
  return (
    await execTransaction(
      tx.to,
      tx.value,
      tx.data,
      tx.operation,
      tx.safeTxGas,
      tx.baseGas,
      tx.gasPrice,
      tx.gasToken,
      tx.refundReceiver,
      packSignatures(signatures),
    )
  ).wait() as TransactionReceipt;
}

const safeMessageTypes = { SafeMessage: [{ name: "message", type: "bytes" }] };

/**
 * `owner`'s signature of the Safe message wrapping `digest` (EIP-712 `SafeMessage(bytes message)` over the
 * Safe's domain, with message = abi.encode(digest)): what Safe{Wallet} has each owner sign when a dapp asks the
 * Safe to sign typed data, and what the fallback handler's `isValidSignature(bytes32,bytes)` checks.
 */
export async function signSafeMessage(safe: Contract, owner: Signer, digest: string): Promise<OwnerSignature> {
  const message = { message: AbiCoder.defaultAbiCoder().encode(["bytes32"], [digest]) };
  return { owner: await owner.getAddress(), signature: await owner.signTypedData(await safeDomain(safe), safeMessageTypes, message) };
}

/** The Safe's ERC-1271 signature of `digest` by `owners` (at least the threshold), packed for submission. */
export async function safeSignature(safe: Contract, owners: Signer[], digest: string): Promise<string> {
  return packSignatures(await Promise.all(owners.map((owner) => signSafeMessage(safe, owner, digest))));
}

/**
 * Marks `digest` as signed by the Safe on-chain: a Safe transaction (signed by `owners`) delegatecalls
 * SignMessageLib.signMessage, after which the empty signature is valid for `digest` under ERC-1271.
 */
export async function approveSafeMessage(
  suite: SafeSuite,
  safe: Contract,
  owners: Signer[],
  digest: string,
  submitter: Signer,
): Promise<TransactionReceipt> {
  const data = suite.signMessageLib.interface.encodeFunctionData("signMessage", [
    AbiCoder.defaultAbiCoder().encode(["bytes32"], [digest]),
  ]);
  return execSafeTransaction(
    safe,
    owners,
    { to: await suite.signMessageLib.getAddress(), data, operation: Operation.DelegateCall },
    submitter,
  );
}

/** ERC-6492's magic suffix: a signature ending with it wraps (factory, factory calldata, inner signature). */
export const ERC6492_MAGIC = "0x" + "6492".repeat(16);

/** `signature` wrapped per ERC-6492 with the call that deploys the (counterfactual) wallet. */
export function wrapErc6492(creation: SafeCreation, signature: string): string {
  const wrapped = AbiCoder.defaultAbiCoder().encode(
    ["address", "bytes", "bytes"],
    [creation.factory, creation.factoryCalldata, signature],
  );
  return concat([wrapped, ERC6492_MAGIC]);
}
