/**
 * The mandates of some members of one network, read from the contract (`mandateOf`: the mandate, the nonce it
 * was set with, whether it is live now), read again whenever the event log grows (a MandateSet, a
 * MandateRevoked or anything else that may change liveness, such as a suspension).
 */
import { useEffect } from "react";
import { useReadContracts } from "wagmi";
import type { Address } from "viem";

import { ecoshareAbi } from "../contracts/abis";
import type { PartyMandate } from "../lib/mandateFit";
import { useDeployment } from "./useDeployment";
import { useProtocolLog } from "./useProtocolLog";

export function useMandates(networkId: bigint | undefined, accounts: readonly Address[]): { mandates: PartyMandate[] | undefined; error: Error | null } {
  const { deployment } = useDeployment();
  const { data: log } = useProtocolLog();
  const result = useReadContracts({
    contracts: accounts.map((account) => ({ address: deployment.ecoshare, abi: ecoshareAbi, functionName: "mandateOf", args: [networkId ?? 0n, account] }) as const),
    allowFailure: false,
    query: { enabled: networkId !== undefined && accounts.length > 0 },
  });
  // A new event may have set, revoked or ended a mandate: read again, keeping the last answer shown meanwhile
  // (so an editor open below is not reset by a new block).
  const { refetch } = result;
  const toBlock = log?.toBlock;
  useEffect(() => {
    if (toBlock !== undefined) void refetch();
  }, [toBlock, refetch]);
  const mandates = result.data?.map(([mandate, nonce, live], i): PartyMandate => ({ account: accounts[i]!, mandate, nonce, live }));
  return { mandates: accounts.length === 0 ? [] : mandates, error: result.error };
}
