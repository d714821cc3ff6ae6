/**
 * The demo's example partner site (scripts/demo/partner-site.ts): the hotel's booking page served on its
 * own loopback port under a strict content security policy, with no inline script or style, and with the
 * very checkout snippet the app's Share dialog writes for its three-line order.
 */
import { createServer } from "node:net";
import { expect } from "chai";

import { BOOKING_ITEMS, BOOKING_ORDER_REF, bookingSnippet, startPartnerSite, type PartnerSite } from "../../scripts/demo/partner-site.js";
import { formatWelcome } from "../../scripts/demo/welcome.js";
import { demoAccount, demoAccounts } from "../../client/demo-cast.js";
import { embedSnippet } from "../../client/embed-snippet.js";
import { freePort, isListening } from "./helpers/cli.js";

const hotel = demoAccount(demoAccounts(), "hotel");
const parameters = {
  appUrl: "http://127.0.0.1:5173/",
  rpcUrl: "http://127.0.0.1:8545",
  chainId: 31337,
  contract: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  deployBlock: 12,
  agreements: { weekend: 1n, room: 6n, dinner: 7n, cityEvent: 8n },
  referrer: hotel.address,
} as const;

describe("the demo's partner site (the hotel's booking page)", function () {
  let site: PartnerSite;
  let page: Response;
  let html: string;

  before(async function () {
    site = await startPartnerSite({ ...parameters, port: await freePort() });
    page = await fetch(site.url);
    html = await page.text();
  });

  after(async function () {
    await site.stop();
  });

  it("serves the page on loopback, under a strict content security policy", function () {
    expect(site.url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(page.status).to.equal(200);
    expect(page.headers.get("content-type")).to.equal("text/html; charset=utf-8");
    expect(page.headers.get("content-security-policy")).to.equal(
      "default-src 'none'; script-src 'self' http://127.0.0.1:5173; connect-src http://127.0.0.1:8545; " +
        "img-src 'self' data:; style-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect(html).to.include("<title>Book your city weekend · Grand Plaza Hotel · City Stay</title>");
  });

  it("has no inline script or style, and serves every file of its own it references", async function () {
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).to.equal(2);
    for (const [, attributes, body] of scripts) {
      expect(attributes).to.match(/\bsrc="[^"]+"/);
      expect(body).to.equal("");
    }
    expect(html).to.not.match(/<style\b|\sstyle=|\son[a-z]+=/i);
    const own = [...html.matchAll(/\s(?:src|href)="([^"]+)"/g)].map((m) => m[1]!).filter((ref) => !/^https?:/.test(ref));
    expect(own.sort()).to.deep.equal(["./", "booking.js", "logo.svg", "logo.svg", "styles.css"]);
    const types = await Promise.all(
      ["booking.js", "logo.svg", "styles.css"].map(async (file) => {
        const response = await fetch(new URL(file, site.url));
        expect(response.status, file).to.equal(200);
        expect((await response.text()).length, file).to.be.greaterThan(100);
        return response.headers.get("content-type");
      }),
    );
    expect(types).to.deep.equal(["text/javascript; charset=utf-8", "image/svg+xml", "text/css; charset=utf-8"]);
  });

  it("embeds exactly the snippet the Share dialog's builder writes: three lines under the hotel's referral", function () {
    const embedded = /<!-- ecoshare-checkout:[^>]*-->\n([\s\S]*?)\n\s*<!-- \/ecoshare-checkout -->/.exec(html)?.[1];
    const dedented = embedded?.replace(/^ {10}/gm, "");
    const expected = embedSnippet({
      appUrl: parameters.appUrl,
      chainId: 31337,
      contract: parameters.contract,
      rpcUrl: parameters.rpcUrl,
      fromBlock: 12,
      lines: [
        { agreementId: 6n, amount: "0.24" },
        { agreementId: 7n, amount: "0.095" },
        { agreementId: 8n, amount: "0.04" },
      ],
      referrer: hotel.address,
      orderRef: BOOKING_ORDER_REF,
    });
    expect(dedented).to.equal(expected.html);
    expect(bookingSnippet(parameters).html).to.equal(expected.html);
    expect(expected.html).to.include('<script type="module" src="http://127.0.0.1:5173/embed/ecoshare-checkout.js"></script>');
    const lines = JSON.parse(/lines='([^']+)'/.exec(dedented!)![1]!) as unknown;
    expect(lines).to.deep.equal([
      { agreement: "6", amount: "0.24", referrer: hotel.address },
      { agreement: "7", amount: "0.095", referrer: hotel.address },
      { agreement: "8", amount: "0.04", referrer: hotel.address },
    ]);
    // The prices on the page are the lines' amounts.
    for (const item of BOOKING_ITEMS) expect(html).to.include(`<span class="price">${item.amount} ETH</span>`);
    expect(html).to.include("<strong>0.375 ETH</strong>");
  });

  it("serves nothing else: unknown paths, paths out of its folder and other methods are refused", async function () {
    for (const path of ["/index.ts", "/../partner-site.ts", "/%2e%2e/partner-site.ts", "/partner-site/styles.css"]) {
      expect((await fetch(new URL(path, site.url))).status, path).to.equal(404);
    }
    const post = await fetch(site.url, { method: "POST", body: "x" });
    expect(post.status).to.equal(405);
    expect(post.headers.get("allow")).to.equal("GET, HEAD");
  });

  it("says which agreement is missing when the demo has no such agreement", async function () {
    let error: unknown;
    try {
      await startPartnerSite({ ...parameters, agreements: { room: 6n, dinner: 7n }, port: await freePort() });
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).to.equal('The demo has no "cityEvent" agreement for the partner site.');
  });

  it("takes the next port when its port is taken, and frees it when stopped", async function () {
    const port = await freePort();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, "127.0.0.1", () => resolve()));
    try {
      const second = await startPartnerSite({ ...parameters, port });
      const secondPort = Number(new URL(second.url).port);
      expect(secondPort).to.be.greaterThan(port);
      expect((await fetch(second.url)).status).to.equal(200);
      await second.stop();
      expect(await isListening(secondPort)).to.equal(false);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it("is printed by the demo's welcome, beside the app", function () {
    const lines = formatWelcome({
      rpcUrl: parameters.rpcUrl,
      record: { chainId: 31337, contracts: {} } as never,
      recordPath: "ignition/records/chain-31337.json",
      accounts: [],
      seed: { networks: {}, agreements: {}, members: 0, payments: 0, orders: [], collects: 0, referredPayments: 0, permitPayments: 0, held: { payments: 0, released: 0, refunded: 0, pending: 0 }, counterProposals: 0, withdrawals: 0, days: 14, lastTimestamp: 0n, mandates: { agreementId: 0n, activatedInBlock: 0n, proposedInBlock: 0n, conflicts: [] } },
      app: { url: parameters.appUrl, stop: async () => undefined },
      partnerSite: site,
      seconds: 1,
    });
    const app = lines.findIndex((l) => l.startsWith("  App "));
    expect(lines[app + 1]).to.equal(
      `  Partner site ${site.url}  (the Grand Plaza Hotel's booking page: the checkout embedded on another origin, the hotel's referral built in)`,
    );
  });
});
