/** The events one transaction emitted, decoded, for assertions the chai matchers cannot make (counts, absences). */
import type { BaseContract, ContractTransactionResponse, Result } from "ethers";

/** The arguments of every `eventName` that `contract` emitted in the mined transaction `tx`. */
export async function eventsOf(
  tx: Promise<ContractTransactionResponse> | ContractTransactionResponse,
  contract: BaseContract,
  eventName: string,
): Promise<Result[]> {
  const receipt = await (await tx).wait();
  const address = await contract.getAddress();
  const found: Result[] = [];
  for (const log of receipt!.logs) {
    if (log.address !== address) continue;
    const parsed = contract.interface.parseLog(log);
    if (parsed?.name === eventName) found.push(parsed.args);
  }
  return found;
}
