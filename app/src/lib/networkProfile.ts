/**
 * A network's profile as its operator fills it in (create and edit): name, description and the co-branding
 * the embedded checkout shows (logo, accent and background colours). Checked here, field by field, in plain
 * words, before it is written as the network's metadata URI (lib/networks.ts `metadataURI`).
 */
import { HEX_COLOR, IMAGE_URL, metadataURI } from "./networks";

export interface NetworkProfileDraft {
  name: string;
  description: string;
  logo: string;
  accent: string;
  background: string;
}

export type NetworkProfileField = keyof NetworkProfileDraft;

export const EMPTY_PROFILE: NetworkProfileDraft = { name: "", description: "", logo: "", accent: "", background: "" };

/**
 * The largest `data:` logo written into the metadata. Every byte of metadata is event data paid for in
 * gas (16 gas a byte of calldata plus 8 of log data), so a big inline image costs its operator dearly.
 */
export const MAX_INLINE_LOGO_BYTES = 8 * 1024;

/** Why `logo` is no logo the checkout can show (the reader's IMAGE_URL), or undefined when it is one (or empty). */
export function logoProblem(logo: string): string | undefined {
  if (logo === "") return undefined;
  if (logo.startsWith("data:")) {
    if (!IMAGE_URL.test(logo)) return "A data: logo must be a PNG, JPEG, GIF, WebP or SVG image (data:image/png;base64,…).";
    if (logo.length > MAX_INLINE_LOGO_BYTES) {
      return `This data: logo is ${(logo.length / 1024).toFixed(1)} KiB; every byte of metadata costs gas, so keep it under ${MAX_INLINE_LOGO_BYTES / 1024} KiB or link to an image instead.`;
    }
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(logo);
  } catch {
    return "Enter the logo as the address of an image (https://…) or a data:image/… URI.";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return `The logo's address must start with https:// (not ${url.protocol}//).`;
  if (!IMAGE_URL.test(logo)) return "The logo's address has spaces, quotes, brackets or angle brackets: encode them (%20…) or use another address.";
  return undefined;
}

/** Why `color` is no colour the checkout can use, or undefined when it is one (or empty). */
export function colorProblem(color: string, what: string): string | undefined {
  if (color === "" || HEX_COLOR.test(color)) return undefined;
  return `Enter the ${what} colour as a hex colour such as #0b6e4f (or #06f).`;
}

export interface CheckNetworkProfileReturnType {
  errors: Partial<Record<NetworkProfileField, string>>;
  /** The metadata URI to write, when no field has an error. */
  uri?: string;
}

/** The draft's errors by field, or its metadata URI. */
export function checkNetworkProfile(draft: NetworkProfileDraft): CheckNetworkProfileReturnType {
  const name = draft.name.trim();
  const logo = draft.logo.trim();
  const accent = draft.accent.trim();
  const background = draft.background.trim();
  const errors: CheckNetworkProfileReturnType["errors"] = {};
  if (name === "") errors.name = "Enter the network's name.";
  const problems = { logo: logoProblem(logo), accent: colorProblem(accent, "accent"), background: colorProblem(background, "background") };
  for (const [field, problem] of Object.entries(problems)) if (problem) errors[field as NetworkProfileField] = problem;
  if (Object.keys(errors).length > 0) return { errors };
  return { errors, uri: metadataURI(name, draft.description.trim(), { logo, colors: { accent, background } }) };
}
