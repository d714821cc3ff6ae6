/** A contract write with its visible states: simulating, awaiting the wallet, pending, confirmed, failed. */
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import type { Hash, TransactionReceipt } from "viem";
import { useConfig } from "wagmi";

import { sendContractTransaction, type ContractWrite, type TxPhase } from "../actions/sendContractTransaction";
import { wagmiClients } from "../actions/wagmiClients";
import { describeFailure, type Failure } from "../lib/contractErrors";

export type TxState =
  | { status: "idle" }
  | { status: TxPhase; hash?: Hash | undefined }
  | { status: "failed"; failure: Failure; hash?: Hash | undefined };

export function useContractTransaction(options: { onConfirmed?: () => void } = {}) {
  const config = useConfig();
  const [state, setState] = useState<TxState>({ status: "idle" });
  const mutation = useMutation({
    mutationFn: async (write: ContractWrite) => {
      let hash: Hash | undefined;
      try {
        const receipt = await sendContractTransaction(await wagmiClients(config), write, {
          onPhase: (status, h) => {
            hash = h ?? hash;
            setState({ status, hash });
          },
        });
        options.onConfirmed?.();
        return receipt;
      } catch (error) {
        setState({ status: "failed", failure: describeFailure(error), hash });
        throw error;
      }
    },
  });
  return {
    state,
    busy: mutation.isPending,
    /** Sends `write`; resolves to the receipt, or undefined when it failed (the state tells why). Never throws. */
    send: (write: ContractWrite): Promise<TransactionReceipt | undefined> =>
      mutation.mutateAsync(write).then(
        (receipt) => receipt,
        () => undefined,
      ),
    reset: () => setState({ status: "idle" }),
  };
}
