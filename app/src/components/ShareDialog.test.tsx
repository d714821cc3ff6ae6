// @vitest-environment jsdom
import { act, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import decodeQR from "qr/decode.js";
import { custom } from "viem";
import { connect } from "wagmi/actions";
import { mock } from "wagmi/connectors";
import { describe, expect, it } from "vitest";

import { EMBED_ELEMENT } from "../../../client/embed-snippet.js";
import type { AgreementPhase } from "../lib/agreementPhase";
import { MemberRole } from "../lib/enums";
import { AIRLINE, build, eventFactory, HOTEL, terms } from "../lib/issue13.fixtures";
import { metadataURI } from "../lib/networks";
import { renderWithApp, TEST_DEPLOYMENT } from "../test/render";
import { chainFor, LOCAL_CHAIN_ID } from "../wagmi/chains";
import { ShareDialog } from "./ShareDialog";

const AGENT = "0x976EA74026E726554dB657fA54763abd0C3a0aa9";
const OUTSIDER = "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955";
const chain = chainFor(LOCAL_CHAIN_ID, "http://127.0.0.1:8545");

const ev = eventFactory();
const ledger = build([
  ev("NetworkCreated", { networkId: 1n, operator: HOTEL, kind: 0, feeRecipient: HOTEL, feeBps: 100, metadataURI: metadataURI("City Stay") }),
  ev("MembershipRequested", { networkId: 1n, account: AGENT, role: MemberRole.ReferralPartner, metadataURI: "" }),
  ev("MemberAdmitted", { networkId: 1n, account: AGENT }),
  ev("MembershipRequested", { networkId: 1n, account: AIRLINE, role: MemberRole.Vendor, metadataURI: "" }),
  ev("MemberAdmitted", { networkId: 1n, account: AIRLINE }),
  ev("AgreementProposed", { agreementId: 3n, networkId: 1n, proposer: HOTEL, previousId: 0n, version: 1, terms: terms(6000, { termsURI: "data:,Dinner for two" }) }),
  ev("AgreementProposed", {
    agreementId: 4n,
    networkId: 1n,
    proposer: HOTEL,
    previousId: 0n,
    version: 1,
    terms: terms(6000, { referrerRoles: 1 << MemberRole.ReferralPartner }),
  }),
]);

/** The dialog for agreement `id`, with `account` connected through wagmi's mock wallet (or no wallet). */
async function open(id: bigint, account?: `0x${string}`, phase: AgreementPhase = "active") {
  const transport = custom({
    async request({ method }) {
      if (method === "eth_chainId") return "0x7a69";
      throw new Error(`The Share dialog should not need ${method}.`);
    },
  });
  const { config } = renderWithApp(
    <ShareDialog agreement={ledger.agreements.get(id)!} network={ledger.networks.get(1n)} phase={phase} onClose={() => undefined} />,
    { chain, connectors: account ? [mock({ accounts: [account] })] : [], transport },
  );
  if (account) await act(() => connect(config, { connector: config.connectors[0]! }));
  return userEvent.setup();
}

/** The element's attributes, as a browser reads the snippet. */
function snippetAttributes(): Record<string, string> {
  const html = (screen.getByTestId("share-snippet") as HTMLTextAreaElement).value;
  const doc = new DOMParser().parseFromString(html, "text/html");
  return Object.fromEntries([...(doc.querySelector(EMBED_ELEMENT)?.attributes ?? [])].map((a) => [a.name, a.value]));
}

/** What a scanner reads off the QR code on screen: the SVG's modules painted into pixels, then decoded. */
function scanQr(): string {
  const svg = screen.getByTestId("qr-code");
  const modules = Number(svg.getAttribute("viewBox")!.split(" ")[2]);
  const scale = 4;
  const size = modules * scale;
  const data = new Uint8ClampedArray(size * size * 4).fill(255);
  for (const [, x, y, w] of svg.querySelector("path")!.getAttribute("d")!.matchAll(/M(\d+) (\d+)h(\d+)/g)) {
    for (let py = Number(y) * scale; py < (Number(y) + 1) * scale; py++) {
      for (let px = Number(x) * scale; px < (Number(x) + Number(w)) * scale; px++) data.fill(0, (py * size + px) * 4, (py * size + px) * 4 + 3);
    }
  }
  return decodeQR({ width: size, height: size, data });
}

describe("<ShareDialog />", () => {
  it("gives an active member its referral link, a QR code of it and the snippet, and copies both", async () => {
    const user = await open(3n, AGENT);
    const link = await screen.findByTestId("share-link");
    const expected = `${window.location.origin}/#/pay/3?ref=${AGENT}`;
    await waitFor(() => expect((link as HTMLInputElement).value).toBe(expected));
    expect(screen.queryByTestId("share-standing")).toBeNull();
    expect(scanQr()).toBe(expected);
    expect(snippetAttributes()).toEqual({
      "chain-id": "31337",
      contract: TEST_DEPLOYMENT.ecoshare,
      "rpc-url": "http://127.0.0.1:8545",
      "from-block": "1",
      agreement: "3",
      referrer: AGENT,
    });

    await user.click(screen.getByRole("button", { name: "Copy link" }));
    expect(await navigator.clipboard.readText()).toBe(expected);
    expect(screen.getByRole("button", { name: "Copied" })).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Copy snippet" }));
    const copied = await navigator.clipboard.readText();
    expect(copied).toBe((screen.getByTestId("share-snippet") as HTMLTextAreaElement).value);
    expect(copied).toContain(`<script type="module" src="${window.location.origin}/embed/ecoshare-checkout.js"></script>`);
    // The live preview: the element's script loaded once, as the snippet's, and the element with the snippet's attributes.
    const preview = screen.getByTestId("share-preview").querySelector(EMBED_ELEMENT)!;
    expect(Object.fromEntries([...preview.attributes].map((a) => [a.name, a.value]))).toEqual(snippetAttributes());
    expect([...document.querySelectorAll("script")].map((s) => [s.type, s.src])).toEqual([["module", `${window.location.origin}/embed/ecoshare-checkout.js`]]);
    await user.click(screen.getByLabelText("A fixed amount"));
    await user.type(screen.getByLabelText("Amount"), "0.3");
    expect(screen.getByTestId("share-preview").querySelector(EMBED_ELEMENT)!.getAttribute("amount")).toBe("0.3");
    expect(document.querySelectorAll("script")).toHaveLength(1);
  });

  it("writes a fixed amount, bounds and the order reference into the snippet", async () => {
    const user = await open(3n, AGENT);
    await user.type(await screen.findByLabelText("Lowest (optional)"), "0,01");
    await user.type(screen.getByLabelText("Highest (optional)"), "2");
    await user.type(screen.getByLabelText("Order reference (optional)"), "CS-2026-0142");
    expect(snippetAttributes()).toMatchObject({ "min-amount": "0.01", "max-amount": "2", "order-ref": "CS-2026-0142", referrer: AGENT });
    await user.click(screen.getByLabelText("A fixed amount"));
    expect(screen.getByTestId("share-fix").textContent).toBe("Correct the fields above to get the link and the snippet.");
    expect(screen.getByText("Enter the amount the customer pays in ETH, or let the customer choose it.")).toBeTruthy();
    await user.type(screen.getByLabelText("Amount"), "0.050");
    const attributes = snippetAttributes();
    expect(attributes.amount).toBe("0.05");
    expect(attributes["min-amount"]).toBeUndefined();
  });

  it("says in plain words what is wrong with an amount or an order reference, and gives no snippet until fixed", async () => {
    const user = await open(3n, AGENT);
    await user.type(await screen.findByLabelText("Lowest (optional)"), "5");
    await user.type(screen.getByLabelText("Highest (optional)"), "1");
    expect(screen.getByText("The highest amount must not be below the lowest (5 ETH).")).toBeTruthy();
    expect(screen.queryByTestId("share-snippet")).toBeNull();
    expect(screen.queryByTestId("qr-code")).toBeNull();
    await user.clear(screen.getByLabelText("Highest (optional)"));
    await user.type(screen.getByLabelText("Highest (optional)"), "1.0000000000000000001");
    expect(screen.getByText("ETH has at most 18 decimals.")).toBeTruthy();
    await user.clear(screen.getByLabelText("Highest (optional)"));
    await user.type(screen.getByLabelText("Highest (optional)"), "ten");
    expect(screen.getByText("Enter an amount in ETH, e.g. 120 or 99.5.")).toBeTruthy();
    await user.clear(screen.getByLabelText("Highest (optional)"));
    await user.type(screen.getByLabelText("Order reference (optional)"), "Réservation 12");
    expect(screen.getByText("An order reference uses plain letters, digits, spaces and punctuation (ASCII) only.")).toBeTruthy();
    await user.clear(screen.getByLabelText("Order reference (optional)"));
    await user.type(screen.getByLabelText("Order reference (optional)"), "x".repeat(32));
    expect(screen.getByText("An order reference has at most 31 characters; this one has 32.")).toBeTruthy();
    expect(screen.getByLabelText("Order reference (optional)").getAttribute("aria-invalid")).toBe("true");
    await user.clear(screen.getByLabelText("Order reference (optional)"));
    expect(snippetAttributes()).toMatchObject({ "min-amount": "5", referrer: AGENT });
  });

  it("tells a non-member it cannot refer, and shares a plain pay link and button", async () => {
    await open(3n, OUTSIDER);
    const standing = await screen.findByTestId("share-standing");
    await waitFor(() =>
      expect(standing.textContent).toBe(
        "You are not an active member of City Stay, so you cannot refer customers: the contract refuses a payment naming you as referrer. " +
          "The link and the snippet below pay the agreement with no referrer. To earn 5% of each payment, ask City Stay's operator to admit you.",
      ),
    );
    await screen.findByTestId("share-snippet");
    expect((screen.getByTestId("share-link") as HTMLInputElement).value).toBe(`${window.location.origin}/#/pay/3`);
    expect(snippetAttributes().referrer).toBeUndefined();
  });

  it("tells a member whose role may not refer under these terms", async () => {
    await open(4n, AIRLINE);
    await waitFor(() =>
      expect(screen.getByTestId("share-standing").textContent).toBe(
        "This agreement lets only referral partners refer, and you are a vendor of City Stay: the link and the snippet below pay the agreement with no referrer.",
      ),
    );
    await screen.findByTestId("share-snippet");
    expect(snippetAttributes().referrer).toBeUndefined();
  });

  it("asks for a wallet before it can fill in a referral", async () => {
    await open(3n);
    expect((await screen.findByTestId("share-standing")).textContent).toMatch(/^Connect a wallet to put your referral in the link and the snippet\./);
    await screen.findByTestId("share-snippet");
    expect(snippetAttributes().referrer).toBeUndefined();
  });

  it("warns that an agreement which takes no payment now would refuse what is shared", async () => {
    await open(3n, AGENT, "pending");
    expect((await screen.findByText(/^Agreement #3 is not active yet/)).textContent).toBe(
      "Agreement #3 is not active yet: it takes payments once every party has accepted it. A payment through a link or button shared now would be refused.",
    );
  });
});
