/**
 * Compiler warnings the project knows and accepts, kept out of the demo's and deploy's output so a
 * newcomer sees only warnings worth reading. Hardhat 3 has no setting for this, so the build's
 * warnings are filtered where they are printed, by exact text and source file: any other warning,
 * including the same one from our own contracts, still shows.
 */

/** One accepted warning: its solc text and the file (a path fragment) it comes from. */
interface KnownWarning {
  message: string;
  source: RegExp;
  why: string;
}

export const KNOWN_WARNINGS: readonly KnownWarning[] = [
  {
    message: "Transient storage as defined by EIP-1153 can break the composability of smart contracts",
    source: /@openzeppelin\/contracts(@[^/]+)?\/utils\/(ReentrancyGuardTransient|TransientSlot)\.sol:/,
    why: "OpenZeppelin's ReentrancyGuardTransient uses transient storage on purpose and clears it in the same call",
  },
];

/** Whether `text` (one warning as solc formats it) is a known, accepted one. */
export function isKnownWarning(text: string): boolean {
  return KNOWN_WARNINGS.some((known) => text.includes(known.message) && known.source.test(text));
}

/** Runs `build` with the known warnings left out of console.warn; every other line passes through. */
export async function withoutKnownWarnings<T>(build: () => Promise<T>): Promise<T> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (args.length === 1 && typeof args[0] === "string" && isKnownWarning(args[0])) return;
    warn(...args);
  };
  try {
    return await build();
  } finally {
    console.warn = warn;
  }
}
