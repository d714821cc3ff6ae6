/**
 * The demo's example partner site: the Grand Plaza Hotel's booking page (a City Stay partner) with
 * Ecoshare's checkout embedded for a three-line order (a room, dinner at the partner restaurant, a city
 * event) under the hotel's referral. `npm run demo` serves it on its own port, so the checkout runs on
 * another origin than the app, as on a real partner's site.
 *
 * The page is static HTML and CSS (scripts/demo/partner-site/) with no inline script, served under a strict
 * content security policy; the checkout snippet in it is the one the app's Share dialog writes
 * (client/embed-snippet.ts), filled in from the demo's deployment record.
 */
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import type { Address } from "viem";
import { embedSnippet, type EmbedLine } from "../../client/embed-snippet.js";
import { LOOPBACK } from "./local-node.js";

const SITE_DIR = join(dirname(fileURLToPath(import.meta.url)), "partner-site");

/** The static files the page uses, with their content types; nothing else is served. */
const ASSETS: Record<string, string> = {
  "/styles.css": "text/css; charset=utf-8",
  "/booking.js": "text/javascript; charset=utf-8",
  "/logo.svg": "image/svg+xml",
};

/** The first port tried, then the next free ones (the app takes 5173 and up). */
export const PARTNER_SITE_PORT = 5190;

/** The booking's reference, shown on the page and sent with the order. */
export const BOOKING_ORDER_REF = "CS-2026-0142";

/** What the hotel sells on its page: the demo's agreements (scripts/demo/seed.ts), the prices of the story's first order. */
export const BOOKING_ITEMS = [
  { agreement: "room", title: "Deluxe room, one night", detail: "Grand Plaza Hotel · breakfast included", amount: "0.24" },
  { agreement: "dinner", title: "Dinner for two", detail: "Trattoria Centrale · tasting menu", amount: "0.095" },
  { agreement: "cityEvent", title: "Guided night walk", detail: "CityPulse Events · Saturday 21:00", amount: "0.04" },
] as const;

export type PartnerSiteParameters = {
  /** The app's base URL (the checkout's script is served from there). */
  appUrl: string;
  /** The RPC URL the checkout reads the chain through. */
  rpcUrl: string;
  chainId: number;
  /** The Ecoshare contract and its deploy block, from the deployment record. */
  contract: Address;
  deployBlock: number;
  /** The seeded agreements by key (scripts/demo/seed.ts `agreements`). */
  agreements: Readonly<Record<string, bigint>>;
  /** The hotel's account: the referrer credited on each line. */
  referrer: Address;
};

/** The order the page embeds: one line per item, each crediting the hotel. */
export function bookingLines(agreements: Readonly<Record<string, bigint>>): EmbedLine[] {
  return BOOKING_ITEMS.map((item) => {
    const agreementId = agreements[item.agreement];
    if (agreementId === undefined) throw new Error(`The demo has no "${item.agreement}" agreement for the partner site.`);
    return { agreementId, amount: item.amount };
  });
}

/** The checkout snippet on the page: exactly what the Share dialog's builder writes for this order. */
export function bookingSnippet({ appUrl, rpcUrl, chainId, contract, deployBlock, agreements, referrer }: PartnerSiteParameters) {
  return embedSnippet({ appUrl, chainId, contract, rpcUrl, fromBlock: deployBlock, lines: bookingLines(agreements), referrer, orderRef: BOOKING_ORDER_REF });
}

/**
 * The content security policy the page is served with: scripts only from itself and the app, the chain
 * only through the RPC URL, no inline script or style anywhere (the checkout styles its shadow root with a
 * constructed stylesheet, which style-src does not govern).
 */
export function partnerSitePolicy({ appUrl, rpcUrl }: Pick<PartnerSiteParameters, "appUrl" | "rpcUrl">): string {
  const app = new URL(appUrl).origin;
  const rpc = new URL(rpcUrl).origin;
  return [
    "default-src 'none'",
    `script-src 'self' ${app}`,
    `connect-src ${rpc}`,
    // The checkout shows the network's logo: a data: URI here (City Stay's); an https logo needs its host too.
    "img-src 'self' data:",
    "style-src 'self'",
    "font-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** The booking page's HTML, the snippet in place. */
export async function renderBookingPage(parameters: PartnerSiteParameters): Promise<string> {
  const template = await readFile(join(SITE_DIR, "index.html"), "utf8");
  const indent = (text: string, spaces: number) => text.replace(/^/gm, " ".repeat(spaces));
  const milli = BOOKING_ITEMS.reduce((sum, item) => sum + Math.round(Number(item.amount) * 1000), 0);
  const items = BOOKING_ITEMS.map(
    (item) =>
      `<li><span class="what"><strong>${item.title}</strong><span>${item.detail}</span></span> <span class="price">${item.amount} ETH</span></li>`,
  ).join("\n");
  return template
    .replace("{{items}}", indent(items, 12))
    .replace("{{total}}", `${milli / 1000} ETH`)
    .replace("{{orderRef}}", BOOKING_ORDER_REF)
    .replace("{{checkout}}", indent(bookingSnippet(parameters).html, 10));
}

export type StartPartnerSiteParameters = PartnerSiteParameters & {
  /** The first port to try; default {@link PARTNER_SITE_PORT}, or the next free one. */
  port?: number | undefined;
};

/** A running partner site: where to open it, and how to stop it. */
export interface PartnerSite {
  url: string;
  stop(): Promise<void>;
}

/** Serves the booking page on 127.0.0.1, on `port` or the next free port after it. */
export async function startPartnerSite({ port = PARTNER_SITE_PORT, ...parameters }: StartPartnerSiteParameters): Promise<PartnerSite> {
  const page = await renderBookingPage(parameters);
  const policy = partnerSitePolicy(parameters);
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    const headers = { "content-security-policy": policy, "x-content-type-options": "nosniff", "cache-control": "no-store", "referrer-policy": "no-referrer" };
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { ...headers, allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" }).end("Only GET and HEAD.\n");
      return;
    }
    if (path === "/" || path === "/index.html") {
      response.writeHead(200, { ...headers, "content-type": "text/html; charset=utf-8" }).end(request.method === "HEAD" ? undefined : page);
      return;
    }
    const type = ASSETS[path];
    if (type === undefined) {
      response.writeHead(404, { ...headers, "content-type": "text/plain; charset=utf-8" }).end("Not found.\n");
      return;
    }
    readFile(join(SITE_DIR, path.slice(1))).then(
      (body) => response.writeHead(200, { ...headers, "content-type": type }).end(request.method === "HEAD" ? undefined : body),
      () => response.writeHead(500, headers).end(),
    );
  });
  const chosen = await listenFrom(server, port);
  return {
    url: `http://${LOOPBACK}:${chosen}/`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Listens on `port` or, when it is taken, the next free one (up to 50 tries). */
async function listenFrom(server: Server, port: number): Promise<number> {
  for (let candidate = port; candidate < port + 50; candidate++) {
    const taken = await new Promise<boolean>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => (error.code === "EADDRINUSE" ? resolve(true) : reject(error));
      server.once("error", onError);
      server.listen(candidate, LOOPBACK, () => {
        server.off("error", onError);
        resolve(false);
      });
    });
    if (!taken) return candidate;
  }
  throw new Error(`No free port for the partner site between ${port} and ${port + 49} on ${LOOPBACK}.`);
}
