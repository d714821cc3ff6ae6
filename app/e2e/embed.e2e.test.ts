/**
 * End-to-end: the embeddable checkout on a partner's page. A plain HTML host page, served from another origin
 * (another port) than the app, loads `<ecoshare-checkout>` from the app's `/embed/ecoshare-checkout.js` and an
 * injected EIP-6963 test wallet (e2e/embed-host/test-wallet.js) that forwards to the real demo node's unlocked
 * account. The customer pays a single agreement and a three-line order; the host page receives the events,
 * whose split is checked against the chain; a refused payment shows the app's plain sentence and fires
 * `ecoshare-failed`; a page with a strict CSP works with no violation; a wallet without permits pays a token
 * by approve + pay in one EIP-5792 batch.
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { after, before, describe, test } from "node:test";

import { createPublicClient, erc20Abi, getAddress, http, parseAbi, parseEther, type Address } from "viem";

import { launchBrowser, type LaunchedBrowser } from "./browser.ts";
import { SHOTS } from "./pages.ts";
import { agreementAbi, ecoshareAddress, findActiveAgreement } from "./chain.ts";
import { freePort, startStack, type Stack } from "./stack.ts";

const HOST_DIR = new URL("./embed-host/", import.meta.url).pathname;
const TRAVEL_AGENCY: Address = "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc"; // City Stay referral partner (demo cast 5)
const ETH: Address = "0x0000000000000000000000000000000000000000";
const balanceAbi = parseAbi(["function balanceOf(address account, address asset) view returns (uint256)"]);

let stack: Stack;
let browser: LaunchedBrowser;
let host: Server;
let hostUrl: string;
let customers: Address[];
/** Host pages by path, with the CSP header to send (if any). */
const pages = new Map<string, { html: string; csp?: string }>();

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  stack = await startStack();
  browser = await launchBrowser({ width: 900, height: 1100 });
  const port = await freePort();
  hostUrl = `http://127.0.0.1:${port}`;
  host = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    const file = { "/test-wallet.js": "test-wallet.js", "/host.js": "host.js" }[path];
    if (file) {
      res.setHeader("content-type", "text/javascript");
      return res.end(readFileSync(HOST_DIR + file));
    }
    const page = pages.get(path);
    if (!page) {
      res.statusCode = 404;
      return res.end("not found");
    }
    res.setHeader("content-type", "text/html; charset=utf-8");
    if (page.csp) res.setHeader("content-security-policy", page.csp);
    res.end(page.html);
  });
  await new Promise<void>((resolve) => host.listen(port, "127.0.0.1", resolve));
  const accounts = (await (await fetch(stack.rpcUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_accounts", params: [] }) })).json()) as { result: Address[] };
  customers = accounts.result.map((a) => getAddress(a));
});

after(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (host ? host.close(() => resolve()) : resolve()));
  await stack?.stop();
});

const client = () => createPublicClient({ transport: http(stack.rpcUrl) });

/** A partner page: the test wallet, the page's event listener, and the checkout element with `attributes`. */
function hostPage(name: string, attributes: Record<string, string>, wallet: Record<string, string>, csp?: string): string {
  const walletQuery = new URLSearchParams({ rpc: stack.rpcUrl, ...wallet }).toString();
  const attrs = Object.entries(attributes)
    .map(([k, v]) => `${k}="${v.replaceAll("&", "&amp;").replaceAll('"', "&quot;")}"`)
    .join(" ");
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>City Stay: book your stay</title>
<script src="/test-wallet.js?${walletQuery.replaceAll("&", "&amp;")}"></script>
<script src="/host.js"></script>
<script type="module" src="${stack.appUrl}embed/ecoshare-checkout.js"></script>
</head><body>
<h1>City Stay: dinner at Trattoria Centrale</h1>
<ecoshare-checkout ${attrs}></ecoshare-checkout>
<pre id="events"></pre>
</body></html>`;
  pages.set(`/${name}.html`, csp ? { html, csp } : { html });
  return `${hostUrl}/${name}.html`;
}

interface PaidLine {
  agreementId: string;
  asset: Address;
  amount: string;
  networkFee: string;
  referralFee: string;
  vendorShare: string;
  held: boolean;
}
interface HostEvent {
  type: string;
  detail: { txHash?: string; orderRef?: string; lines?: PaidLine[]; reason?: string; errorName?: string };
}

async function hostEvents(page: import("playwright-core").Page): Promise<HostEvent[]> {
  return page.evaluate(() => (window as unknown as { __hostEvents: HostEvent[] }).__hostEvents);
}

async function waitForEvent(page: import("playwright-core").Page, type: string, timeout = 90_000): Promise<HostEvent> {
  await page.waitForFunction((t) => (window as unknown as { __hostEvents: { type: string }[] }).__hostEvents.some((e) => e.type === t), type, { timeout }).catch(async (error: unknown) => {
    const shown = await page.locator("ecoshare-checkout").evaluate((el) => el.shadowRoot?.textContent ?? "");
    throw new Error(`No ${type} event. Checkout shows: ${shown}. Events: ${JSON.stringify(await hostEvents(page))} (${String(error)})`);
  });
  return (await hostEvents(page)).find((e) => e.type === type)!;
}

/** Connects the test wallet, answering the switch-chain prompt when it starts on another chain. */
async function connectAndSwitch(page: import("playwright-core").Page, startsElsewhere: boolean) {
  const checkout = page.locator("ecoshare-checkout");
  await checkout.locator("[data-action='connect']").click();
  if (startsElsewhere) {
    await checkout.getByText("Your wallet is on chain 1; this checkout pays on chain 31337.").waitFor();
    await checkout.locator("[data-action='switch-chain']").click();
  }
  await checkout.locator("[data-action='pay']").waitFor();
}

/** What the chain holds that a payment changes: each agreement's pools and each referrer's balance per asset. */
async function chainState(ecoshare: Address, agreementIds: bigint[], referrer: Address, assets: Address[]) {
  const c = client();
  const agreements = await Promise.all(agreementIds.map((id) => c.readContract({ address: ecoshare, abi: agreementAbi, functionName: "agreement", args: [id] })));
  const balances = await Promise.all(assets.map((asset) => c.readContract({ address: ecoshare, abi: balanceAbi, functionName: "balanceOf", args: [referrer, asset] })));
  return { agreements, balances };
}

/** The paid lines' split, checked against the chain's before/after state: pools (or held count) and the referrer's balance. */
function assertSplitOnChain(lines: PaidLine[], ids: bigint[], before: Awaited<ReturnType<typeof chainState>>, afterState: Awaited<ReturnType<typeof chainState>>, assets: Address[]) {
  for (const [i, id] of ids.entries()) {
    const mine = lines.filter((l) => l.agreementId === id.toString());
    const b = before.agreements[i]!;
    const a = afterState.agreements[i]!;
    const notHeld = mine.filter((l) => !l.held);
    assert.equal(a.vendorPool - b.vendorPool, notHeld.reduce((s, l) => s + BigInt(l.vendorShare), 0n), `agreement #${id}: vendor pool moved by the vendor share shown`);
    assert.equal(a.networkFees - b.networkFees, notHeld.reduce((s, l) => s + BigInt(l.networkFee), 0n), `agreement #${id}: network fees moved by the fee shown`);
    assert.equal(a.heldPayments - b.heldPayments, mine.filter((l) => l.held).length, `agreement #${id}: held payments`);
    for (const l of mine) assert.equal(BigInt(l.networkFee) + BigInt(l.referralFee) + BigInt(l.vendorShare), BigInt(l.amount), "the split adds up to the amount");
  }
  for (const [i, asset] of assets.entries()) {
    const credited = lines.filter((l) => l.asset.toLowerCase() === asset.toLowerCase() && !l.held).reduce((s, l) => s + BigInt(l.referralFee), 0n);
    assert.equal(afterState.balances[i]! - before.balances[i]!, credited, `the referrer's ${asset} balance rose by the referral fees shown`);
  }
}

describe("the embedded checkout on a partner's page", () => {
  test("a customer pays one agreement in ETH from another origin; the host page gets ecoshare-paid with the chain's split", async () => {
    const ecoshare = ecoshareAddress(stack.recordsDir);
    const eth = await findActiveAgreement(stack.rpcUrl, stack.recordsDir, { networkId: 1n, token: false });
    const url = hostPage(
      "single",
      { "chain-id": "31337", contract: ecoshare, "rpc-url": stack.rpcUrl, agreement: eth.id.toString(), amount: "0.05", referrer: TRAVEL_AGENCY, "order-ref": "CS-E2E-0001" },
      { account: customers[15]!, chain: "0x1" },
    );
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(url);
    assert.notEqual(new URL(url).origin, new URL(stack.appUrl).origin, "the host page is on another origin than the app");
    await waitForEvent(page, "ecoshare-ready");
    const checkout = page.locator("ecoshare-checkout");
    // Co-branded with the network's name from its metadata; the preview shows the referral fee to the agency.
    await checkout.getByText("City Stay", { exact: true }).waitFor();
    const preview = await checkout.locator("[data-split='referralFee']").innerText();
    assert.notEqual(preview, "0 ETH");
    await connectAndSwitch(page, true);
    await page.screenshot({ path: `${SHOTS}embed-single-preview.png`, fullPage: true });

    const before = await chainState(ecoshare, [eth.id], TRAVEL_AGENCY, [ETH]);
    const contractEth = await client().getBalance({ address: ecoshare });
    await checkout.locator("[data-action='pay']").click();
    const paid = await waitForEvent(page, "ecoshare-paid");
    assert.equal(paid.detail.orderRef, "CS-E2E-0001");
    assert.match(paid.detail.txHash!, /^0x[0-9a-f]{64}$/);
    assert.equal(paid.detail.lines!.length, 1);
    const line = paid.detail.lines![0]!;
    assert.deepEqual([line.agreementId, line.asset, line.amount], [eth.id.toString(), ETH, parseEther("0.05").toString()]);
    const afterState = await chainState(ecoshare, [eth.id], TRAVEL_AGENCY, [ETH]);
    assertSplitOnChain(paid.detail.lines!, [eth.id], before, afterState, [ETH]);
    assert.equal((await client().getBalance({ address: ecoshare })) - contractEth, parseEther("0.05"));
    const tx = await client().getTransactionReceipt({ hash: paid.detail.txHash as `0x${string}` });
    assert.equal(tx.status, "success");
    // The receipt on the page shows the same split as the preview did.
    await checkout.locator("[part='receipt']").waitFor();
    assert.equal(await checkout.locator("[part='receipt'] [data-split='referralFee']").innerText(), preview);
    assert.equal(await checkout.locator("[data-receipt='transaction']").innerText(), paid.detail.txHash);
    // No second payment by a stray click: the pay button gives way to "Make another payment".
    assert.equal(await checkout.locator("[data-action='pay']").count(), 0);
    await checkout.locator("[data-action='new-payment']").waitFor();
    await page.screenshot({ path: `${SHOTS}embed-single-receipt.png`, fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("a three-line order (two networks, ETH and dUSD by permit) is paid in one transaction", async () => {
    const ecoshare = ecoshareAddress(stack.recordsDir);
    const eth = await findActiveAgreement(stack.rpcUrl, stack.recordsDir, { networkId: 1n, token: false });
    const dusd = await findActiveAgreement(stack.rpcUrl, stack.recordsDir, { networkId: 1n, token: true });
    // An agreement of another network (ETH preferred, else dUSD): the agency is no member there.
    let other: Awaited<ReturnType<typeof findActiveAgreement>> | undefined;
    for (const token of [false, true]) {
      for (const networkId of [2n, 3n, 4n]) other ??= await findActiveAgreement(stack.rpcUrl, stack.recordsDir, { networkId, token }).catch(() => undefined);
    }
    assert.ok(other, "the demo has an active agreement with a referral fee outside City Stay");
    const otherIsToken = other.asset !== ETH;
    const lines = [
      { agreement: Number(eth.id), amount: "0.1" },
      { agreement: Number(dusd.id), amount: "25" },
      { agreement: Number(other.id), amount: otherIsToken ? "10" : "0.02" },
    ];
    const [ethTotal, dusdTotal] = otherIsToken ? ["0.1", 35n] : ["0.12", 25n];
    const url = hostPage(
      "order",
      { "chain-id": "31337", contract: ecoshare, "rpc-url": stack.rpcUrl, lines: JSON.stringify(lines), referrer: TRAVEL_AGENCY, "order-ref": "CS-E2E-ORDER-3" },
      // Emre (demo cast 18) gave the contract no allowance: dUSD goes by permit.
      { account: customers[18]! },
    );
    const page = await browser.context.newPage();
    await page.goto(url);
    await waitForEvent(page, "ecoshare-ready");
    const checkout = page.locator("ecoshare-checkout");
    await checkout.locator("[data-line='2']").waitFor();
    // The agency refers in City Stay only: the other network's line credits no referrer, and says why.
    await checkout.locator("[data-line='2']").getByText(/no referrer is credited/).waitFor();
    assert.equal(await checkout.locator("[data-line='2'] [data-split='referralFee']").innerText(), otherIsToken ? "0 dUSD" : "0 ETH");
    assert.match(await checkout.getByTestId("totals").innerText(), new RegExp(`Total\\s+${ethTotal.replace(".", "\\.")} ETH \\+ ${dusdTotal} dUSD`));
    await connectAndSwitch(page, false);
    await page.screenshot({ path: `${SHOTS}embed-order-preview.png`, fullPage: true });

    const ids = [eth.id, dusd.id, other.id];
    const assets: Address[] = [ETH, dusd.asset];
    const before = await chainState(ecoshare, ids, TRAVEL_AGENCY, assets);
    const dusdHeld = () => client().readContract({ address: dusd.asset, abi: erc20Abi, functionName: "balanceOf", args: [ecoshare] });
    const [ethBefore, dusdBefore] = [await client().getBalance({ address: ecoshare }), await dusdHeld()];
    await checkout.locator("[data-action='pay']").click();
    const paid = await waitForEvent(page, "ecoshare-paid");
    assert.equal(paid.detail.orderRef, "CS-E2E-ORDER-3");
    assert.deepEqual(paid.detail.lines!.map((l) => l.agreementId), ids.map(String));
    assertSplitOnChain(paid.detail.lines!, ids, before, await chainState(ecoshare, ids, TRAVEL_AGENCY, assets), assets);
    assert.equal((await client().getBalance({ address: ecoshare })) - ethBefore, parseEther(ethTotal));
    // dUSD is pulled once for its lines (6 decimals).
    assert.equal((await dusdHeld()) - dusdBefore, dusdTotal * 10n ** 6n);
    const requests = await page.evaluate(() => (window as unknown as { __testWallet: { requests: string[] } }).__testWallet.requests);
    assert.equal(requests.filter((m) => m === "eth_signTypedData_v4").length, 1, "dUSD went by one permit signature");
    assert.equal(requests.filter((m) => m === "eth_sendTransaction").length, 1, "one transaction paid the whole order");
    await checkout.locator("[part='receipt']").waitFor();
    await page.screenshot({ path: `${SHOTS}embed-order-receipt.png`, fullPage: true });
    await page.close();
  });

  test("a refused payment shows the app's plain reason and fires ecoshare-failed", async () => {
    const ecoshare = ecoshareAddress(stack.recordsDir);
    const eth = await findActiveAgreement(stack.rpcUrl, stack.recordsDir, { networkId: 1n, token: false });
    // Refunds credited to the referrer: the contract refuses (SelfReferral), as the app's sentence says. No
    // rpc-url: the checkout reads the chain through the wallet, once connected.
    const url = hostPage(
      "refused",
      { "chain-id": "31337", contract: ecoshare, agreement: eth.id.toString(), "min-amount": "0.01", "max-amount": "1", referrer: TRAVEL_AGENCY, "refund-to": TRAVEL_AGENCY },
      { account: customers[17]! },
    );
    const page = await browser.context.newPage();
    await page.goto(url);
    const checkout = page.locator("ecoshare-checkout");
    await connectAndSwitch(page, false);
    await waitForEvent(page, "ecoshare-ready");
    const amount = checkout.locator("[part='amount-input']");
    await amount.fill("5");
    await checkout.getByText("Enter at most 1 ETH.").waitFor();
    assert.equal(await checkout.locator("[data-action='pay']").isDisabled(), true);
    await amount.fill("0.02");
    await checkout.locator("[data-split='vendorShare']").waitFor();
    const sent = await page.evaluate(() => (window as unknown as { __testWallet: { requests: string[] } }).__testWallet.requests.length);
    await checkout.locator("[data-action='pay']").click();
    const failed = await waitForEvent(page, "ecoshare-failed");
    const sentence = "0x9965…A4dc cannot refer its own payment: a referrer may be neither the payer nor the refund recipient.";
    assert.deepEqual(failed.detail, { reason: sentence, errorName: "SelfReferral" });
    assert.equal(await checkout.locator("[part='error']").innerText(), sentence);
    const requests = await page.evaluate(() => (window as unknown as { __testWallet: { requests: string[] } }).__testWallet.requests);
    assert.ok(!requests.slice(sent).includes("eth_sendTransaction"), "the refusal was found by simulation: nothing was sent");
    await page.screenshot({ path: `${SHOTS}embed-refused.png`, fullPage: true });
    await page.close();
  });

  test("under a strict CSP, a wallet without permits pays dUSD by approve + pay in one EIP-5792 batch", async () => {
    const ecoshare = ecoshareAddress(stack.recordsDir);
    const dusd = await findActiveAgreement(stack.rpcUrl, stack.recordsDir, { networkId: 1n, token: true });
    const app = new URL(stack.appUrl).origin;
    const csp = `default-src 'none'; script-src 'self' ${app}; connect-src ${new URL(stack.rpcUrl).origin}; img-src data:; style-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
    const url = hostPage(
      "csp",
      { "chain-id": "31337", contract: ecoshare, "rpc-url": stack.rpcUrl, agreement: dusd.id.toString(), amount: "12.5", referrer: TRAVEL_AGENCY, "order-ref": "CS-E2E-CSP" },
      // Emre again: no allowance left (the order's permit was used up), and this wallet cannot sign permits.
      { account: customers[18]!, typedData: "0", batch: "1" },
      csp,
    );
    const page = await browser.context.newPage();
    await page.goto(url);
    await waitForEvent(page, "ecoshare-ready");
    const checkout = page.locator("ecoshare-checkout");
    // Styled under style-src 'none' (the constructed stylesheet applies), and restyled by the host's
    // --ecoshare-accent (set through the CSSOM, which the policy allows).
    const connect = checkout.locator("[data-action='connect']");
    assert.equal(await connect.evaluate((b) => getComputedStyle(b).borderTopLeftRadius), "10px");
    await checkout.evaluate((el) => (el as HTMLElement).style.setProperty("--ecoshare-accent", "#123456"));
    assert.equal(await connect.evaluate((b) => getComputedStyle(b).backgroundColor), "rgb(18, 52, 86)");
    await connectAndSwitch(page, false);
    const before = await chainState(ecoshare, [dusd.id], TRAVEL_AGENCY, [dusd.asset]);
    await checkout.locator("[data-action='pay']").click();
    const paid = await waitForEvent(page, "ecoshare-paid");
    assertSplitOnChain(paid.detail.lines!, [dusd.id], before, await chainState(ecoshare, [dusd.id], TRAVEL_AGENCY, [dusd.asset]), [dusd.asset]);
    assert.equal(paid.detail.lines![0]!.amount, (125n * 10n ** 5n).toString());
    const wallet = await page.evaluate(() => (window as unknown as { __testWallet: { requests: string[]; violations: string[] } }).__testWallet);
    assert.equal(wallet.requests.filter((m) => m === "wallet_sendCalls").length, 1, "approve and pay went as one batch");
    assert.ok(!wallet.requests.includes("eth_sendTransaction"), "no separate transaction");
    assert.deepEqual(wallet.violations, [], "no CSP violation");
    await page.close();
  });

  test("a wallet without permits nor batches pays dUSD in two steps, each explained", async () => {
    const ecoshare = ecoshareAddress(stack.recordsDir);
    const dusd = await findActiveAgreement(stack.rpcUrl, stack.recordsDir, { networkId: 1n, token: true });
    const url = hostPage(
      "two-steps",
      { "chain-id": "31337", contract: ecoshare, "rpc-url": stack.rpcUrl, agreement: dusd.id.toString(), amount: "3", referrer: TRAVEL_AGENCY },
      // Emre once more: the batch's approval was used up by its payment.
      { account: customers[18]!, typedData: "0", batch: "0" },
    );
    const page = await browser.context.newPage();
    await page.goto(url);
    await waitForEvent(page, "ecoshare-ready");
    const checkout = page.locator("ecoshare-checkout");
    await connectAndSwitch(page, false);
    const steps: string[] = [];
    await page.exposeFunction("__step", (text: string) => steps.push(text));
    await checkout.evaluate((el) => {
      const status = el.shadowRoot!.querySelector("[role='status']")!;
      new MutationObserver(() => (window as unknown as { __step: (t: string) => void }).__step(status.textContent ?? "")).observe(status, { childList: true, characterData: true, subtree: true });
    });
    const before = await chainState(ecoshare, [dusd.id], TRAVEL_AGENCY, [dusd.asset]);
    await checkout.locator("[data-action='pay']").click();
    const paid = await waitForEvent(page, "ecoshare-paid");
    assertSplitOnChain(paid.detail.lines!, [dusd.id], before, await chainState(ecoshare, [dusd.id], TRAVEL_AGENCY, [dusd.asset]), [dusd.asset]);
    assert.ok(steps.some((t) => t.startsWith("Step 1 of 2: approve dUSD")), `the approval step was explained (${steps.join(" | ")})`);
    assert.ok(steps.includes("Step 2 of 2: pay."), "the payment step was explained");
    const requests = await page.evaluate(() => (window as unknown as { __testWallet: { requests: string[] } }).__testWallet.requests);
    assert.equal(requests.filter((m) => m === "eth_sendTransaction").length, 2, "approve, then pay");
    assert.ok(!requests.includes("wallet_sendCalls"));
    await page.close();
  });
});
