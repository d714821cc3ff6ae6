import { useReadContracts } from "wagmi";

import { ecoshareAbi } from "../contracts/abis";
import { useDeployment } from "./useDeployment";

/** The contract's caps (fee rates, party count), read from the contract rather than copied. */
export function useContractConstants() {
  const { deployment } = useDeployment();
  const contract = { address: deployment.ecoshare, abi: ecoshareAbi } as const;
  const result = useReadContracts({
    contracts: [
      { ...contract, functionName: "MAX_NETWORK_FEE_BPS" },
      { ...contract, functionName: "MAX_REFERRAL_FEE_BPS" },
      { ...contract, functionName: "MAX_PARTIES" },
      { ...contract, functionName: "MAX_REFERRAL_TIERS" },
      { ...contract, functionName: "MAX_HOLDBACK_PERIOD" },
    ],
    allowFailure: false,
    query: { staleTime: Number.POSITIVE_INFINITY },
  });
  const [maxNetworkFeeBps, maxReferralFeeBps, maxParties, maxReferralTiers, maxHoldbackPeriod] = result.data ?? [];
  return result.data
    ? {
        maxNetworkFeeBps: Number(maxNetworkFeeBps),
        maxReferralFeeBps: Number(maxReferralFeeBps),
        maxParties: Number(maxParties),
        maxReferralTiers: Number(maxReferralTiers),
        maxHoldbackPeriod: Number(maxHoldbackPeriod),
      }
    : undefined;
}
