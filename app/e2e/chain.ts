/** Direct reads of the demo chain for the tests and the benchmark (the app itself is never bypassed for writes). */
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { createPublicClient, http, parseAbi, type Address } from "viem";

export const agreementAbi = parseAbi([
  "function agreementCount() view returns (uint256)",
  "struct AgreementView { uint256 networkId; address asset; uint8 status; uint32 version; uint256 previousId; uint16 referralFeeBps; uint16 networkFeeBps; address feeRecipient; uint32 validFrom; uint32 validUntil; uint8 referrerRoles; uint16 partyCount; uint16 pendingAcceptances; uint256 lineageId; uint32 holdbackPeriod; address refunder; uint32 heldPayments; bytes32 termsDigest; uint128 vendorPool; uint128 networkFees; uint128 networkFeesCollected; }",
  "function agreement(uint256 agreementId) view returns (AgreementView)",
]);

export function ecoshareAddress(recordsDir: string): Address {
  const record = JSON.parse(readFileSync(join(recordsDir, "chain-31337.json"), "utf8")) as { contracts: { Ecoshare: { address: Address } } };
  return record.contracts.Ecoshare.address;
}

/** The newest active agreement of network `networkId` paid in ETH (`token: false`) or in a token. */
export async function findActiveAgreement(rpcUrl: string, recordsDir: string, { networkId, token }: { networkId: bigint; token: boolean }) {
  const client = createPublicClient({ transport: http(rpcUrl) });
  const address = ecoshareAddress(recordsDir);
  const count = await client.readContract({ address, abi: agreementAbi, functionName: "agreementCount" });
  for (let id = count; id >= 1n; id--) {
    const a = await client.readContract({ address, abi: agreementAbi, functionName: "agreement", args: [id] });
    const isToken = a.asset !== "0x0000000000000000000000000000000000000000";
    if (a.status === 2 && isToken === token && a.networkId === networkId && a.referralFeeBps > 0) return { id, ...a };
  }
  throw new Error(`The demo has no active ${token ? "token" : "ETH"} agreement in network ${networkId}.`);
}

/** Moves the test chain's clock forward by `seconds` and mines a block (Hardhat's evm_increaseTime). */
export async function increaseTime(rpcUrl: string, seconds: number): Promise<void> {
  const call = async (method: string, params: unknown[]) => {
    const response = await fetch(rpcUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
    const body = (await response.json()) as { error?: { message: string } };
    if (body.error) throw new Error(`${method}: ${body.error.message}`);
  };
  await call("evm_increaseTime", [seconds]);
  await call("evm_mine", []);
}
