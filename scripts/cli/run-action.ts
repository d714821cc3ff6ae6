/**
 * Wraps a task's action so every failure ends as one sentence on stderr and a non-zero exit code,
 * whatever threw it. Set ECOSHARE_DEBUG=1 to also see the stack trace.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { EXIT_ERROR, explainError, type NetworkDescription } from "./cli-error.js";

/** Context the action fills in as it learns it, so errors can name the network. */
export interface ActionContext {
  network?: NetworkDescription;
}

/** The task action: returns the exit code (0 when omitted). */
export type CliAction<A> = (args: A, hre: HardhatRuntimeEnvironment, context: ActionContext) => Promise<number | void>;

/** A Hardhat task action that runs `action` and turns any error into one sentence. */
export function cliAction<A>(action: CliAction<A>): (args: A, hre: HardhatRuntimeEnvironment) => Promise<void> {
  return async (args, hre) => {
    const context: ActionContext = {};
    try {
      process.exitCode = (await action(args, hre, context)) ?? 0;
    } catch (error) {
      const known = Object.keys(hre.config.networks);
      const network: NetworkDescription = context.network ?? { name: hre.globalOptions.network ?? "default" };
      console.error(explainError(error, { ...network, known }));
      if (process.env.ECOSHARE_DEBUG) console.error(error);
      process.exitCode = typeof error === "object" && error !== null && "exitCode" in error ? Number(error.exitCode) : EXIT_ERROR;
    }
  };
}
