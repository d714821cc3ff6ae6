import { readAcceptances, type StoredAcceptance } from "../lib/signatureStore";
import { useDeployment } from "./useDeployment";
import { useStoredList } from "./useStoredList";

/** The signatures collected in this browser for one agreement, updated when one is added. */
export function useStoredAcceptances(agreementId: bigint): StoredAcceptance[] {
  const { deployment } = useDeployment();
  return useStoredList(
    () => readAcceptances(deployment.chainId, deployment.ecoshare, agreementId),
    `${deployment.ecoshare}:${agreementId}`,
  );
}
