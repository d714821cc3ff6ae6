import { useEffect, useState } from "react";

import { readAcceptances, type StoredAcceptance } from "../lib/signatureStore";
import { useDeployment } from "./useDeployment";

/** The signatures collected in this browser for one agreement, updated when one is added. */
export function useStoredAcceptances(agreementId: bigint): StoredAcceptance[] {
  const { deployment } = useDeployment();
  const read = () => readAcceptances(deployment.chainId, deployment.ecoshare, agreementId);
  const [list, setList] = useState(read);
  useEffect(() => {
    const update = () => setList(read());
    update();
    window.addEventListener("ecoshare-signatures", update);
    window.addEventListener("storage", update);
    return () => {
      window.removeEventListener("ecoshare-signatures", update);
      window.removeEventListener("storage", update);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [agreementId, deployment.ecoshare]);
  return list;
}
