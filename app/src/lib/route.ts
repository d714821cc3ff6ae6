/** The app's routes, kept in the URL hash so a static host serves every page and links can be shared. */
export type Route =
  | { page: "networks"; networkId?: bigint }
  | { page: "agreements"; agreementId?: bigint; create?: boolean; amend?: bigint; counter?: bigint }
  | { page: "pay"; agreementId: bigint; referrer?: string }
  | { page: "checkout"; referrer?: string; add?: bigint[] }
  | { page: "payouts" }
  | { page: "audit" };

export function parseRoute(hash: string): Route {
  const [path = "", query = ""] = hash.replace(/^#/, "").split("?");
  const params = new URLSearchParams(query);
  const parts = path.split("/").filter(Boolean);
  const id = (value: string | undefined) => (value && /^\d+$/.test(value) ? BigInt(value) : undefined);
  switch (parts[0]) {
    case "networks": {
      const networkId = id(parts[1]);
      return networkId === undefined ? { page: "networks" } : { page: "networks", networkId };
    }
    case "agreements": {
      if (parts[1] === "new") {
        const amend = id(params.get("amend") ?? undefined);
        const counter = id(params.get("counter") ?? undefined);
        if (counter !== undefined) return { page: "agreements", create: true, counter };
        return amend === undefined ? { page: "agreements", create: true } : { page: "agreements", create: true, amend };
      }
      const agreementId = id(parts[1]);
      return agreementId === undefined ? { page: "agreements" } : { page: "agreements", agreementId };
    }
    case "pay": {
      const agreementId = id(parts[1]);
      if (agreementId === undefined) return { page: "agreements" };
      const referrer = params.get("ref") ?? undefined;
      return referrer ? { page: "pay", agreementId, referrer } : { page: "pay", agreementId };
    }
    case "checkout": {
      // `?ref=0x…` names the order's referrer; `?add=3,5` opens the order with lines for these agreements.
      const referrer = params.get("ref") ?? undefined;
      const add = (params.get("add") ?? "").split(",").map((v) => id(v.trim())).filter((v): v is bigint => v !== undefined);
      return { page: "checkout", ...(referrer ? { referrer } : {}), ...(add.length > 0 ? { add } : {}) };
    }
    case "payouts":
      return { page: "payouts" };
    case "audit":
      return { page: "audit" };
    default:
      return { page: "networks" };
  }
}

// The links into these routes are written once in the shared client, beside the embed snippet that also hands them out.
export { checkoutLink, referralLink } from "../../../client/app-links.js";
