/**
 * Seeds the demo ecosystem: the story of client/demo-cast.json played out on a development node.
 *
 * "City Stay", a vendor-led network around a hotel, sells weekend packages with an airline, a restaurant
 * and an events organiser; travel agents, a coffee chain and an IT partner refer customers. A
 * peer-to-peer guild of IT partners sells managed services; a marketplace takes craft orders. Over
 * simulated days customers pay in ETH and in demo dollars (some by permit), with and without referrals;
 * the weekend package is amended, the craft bundle terminated, one agreement stays pending, and partners
 * withdraw what they earned.
 *
 * Dynamic revenue sharing (issue 6): the weekend package pays referrers 5%, then 7% once they have
 * referred 2 ETH (Atlas Journeys gets there on day 1 with a group booking, and keeps its loyalty through the
 * amendment); the concert tickets were negotiated (the events organiser offered, the hotel countered by
 * signature, the organiser accepted the counter) and hold each payment for two days, during which the
 * organiser refunds one; the rest are released once their holdback is over, the last days' stay pending.
 *
 * Protocol v2 (issue 9): one customer, a team of vendors. On day 1 Alice books a room at the hotel, dinner at
 * the restaurant and a city event as ONE order (`payOrder`) through Atlas Journeys's referral link: every
 * vendor, the agent and the network are paid in that one transaction. Emre pays an order mixing ETH and demo
 * dollars, the dollars pulled once with one permit. On day 2 Wanderwise Travel books for Chen and names him as
 * refund recipient; the concert is cancelled and the organiser refunds that held line: the money goes to
 * Chen, not to the agency. The hotel signs its counter with a random (unordered) nonce and cancels a second
 * counter it had signed; the marketplace's craft bundle lets only referral partners refer; a vendor
 * collects one agreement straight to its wallet (`collect`).
 *
 * Measured risk (issue 10): the concert tickets hold a payment two days at the base tier, but only 12 hours
 * once its referrer has 300 dUSD of released (clean) ticket sales. Atlas Journeys sells two tickets on day 1,
 * released on day 3; the ticket Daily Grind Coffee sold on day 1 is refunded on day 2. On day 4 both sell a
 * ticket: Daily Grind Coffee's customer is held two days, Atlas Journeys's 12 hours.
 *
 * Mandates (issue 10): the hotel ("Ana" in scripts/demo/mandates.json) sets its standing mandate for City Stay
 * by transaction, the airline ("Ben") signs its own and the hotel submits it; the negotiator reads both from
 * the chain and proposes the terms in the middle of their overlap, which the hotel proposes: the airline's
 * mandate accepts for it and the agreement is active in that one transaction. The restaurant ("Cy") sets a
 * mandate too, and the negotiator says why no terms fit all three.
 *
 * Fast by design: payments of one time slot are sent together and mined in one block (or the few after it).
 * Every transaction stays under EIP-7825's cap of 16,777,216 gas (DevChain refuses any other): the releases
 * of held payments, the only work that grows with the story, are cut into batches by estimated gas.
 */
import { Interface, Signature, Wallet, keccak256, toUtf8Bytes, type TypedDataField } from "ethers";
import type { Address, Hex } from "viem";

import { ecoshareAbi, mockStablecoinAbi } from "../../client/abis.generated.js";
import { demoAccount, demoCast, type DemoAccount } from "../../client/demo-cast.js";
import { decodeEcoshareLog, eventTopic, type HeldPayment } from "../../client/decode-events.js";
import {
  acceptanceTypes,
  counterProposalTypes,
  domainFromErc5267,
  permitTypes,
  randomCounterNonce,
  setMandateTypes,
  type AgreementTerms,
  type MandateStruct,
  type Party,
  type ReferralTier,
} from "../../client/eip712.js";
import { parseMandates } from "../../client/mandate-file.js";
import { mandateStruct, negotiate } from "../../client/negotiator.js";
import { readMandates } from "../../client/read-mandates.js";
import mandatesFile from "./mandates.json" with { type: "json" };
import { fetchLogs } from "../../client/fetch-logs.js";
import { orderRefFromText } from "../../client/order-ref.js";
import { ETH, MemberRole, MemberStatus, NetworkKind } from "../../client/protocol.js";
import { readContract } from "../../client/read-contract.js";
import type { RpcClient } from "../../client/rpc-client.js";
import { DevChain, type DevTransaction } from "./dev-chain.js";
import { seededRandom } from "../../client/seeded-random.js";

const DAY = 86_400n;
const HOUR = 3_600n;
const DUSD = 1_000_000n; // 6 decimals
/** Gas limits of batched transactions (not estimated, to keep the seed fast): several times what they use (bench/gas.md), so contracts instrumented for coverage fit too. */
const PAY_GAS = 600_000n;
const ORDER_GAS = 2_000_000n;
const WITHDRAW_GAS = 1_500_000n;
const ETHER = 10n ** 18n;
/** The concert tickets' holdback: each payment stays refundable for two days. */
const TICKETS_HOLDBACK = 2n * DAY;
/** ...but only 12 hours once its referrer has this much clean (released, never refunded) ticket volume. */
const TRUSTED_TICKETS_HOLDBACK = 12n * HOUR;
const TRUSTED_FROM = 300n * DUSD;
const ecoshareInterface = new Interface(ecoshareAbi);
const tokenInterface = new Interface(mockStablecoinAbi);

export type SeedDemoParameters = {
  client: RpcClient;
  ecoshare: Address;
  stablecoin: Address;
  /** The cast with addresses and keys (`demoAccounts()`); the node must have them unlocked. */
  accounts: readonly DemoAccount[];
  /** Simulated days of trading. Default 14. */
  days?: number;
  /** Payments per day, spread over three blocks. Default 25. */
  paymentsPerDay?: number;
  /** Withdrawals every few days. Default true. */
  withdrawals?: boolean;
  /** Seed of the pseudo-random story, so every run tells the same one. */
  seed?: number;
  /** The most gas a transaction may ask for. Default EIP-7825's cap; lower only to test the batching. */
  gasCap?: bigint;
  onProgress?: (message: string) => void;
};

/** One order of the story. */
export interface SeedDemoOrder {
  /** Its reference, as text (e.g. "CS-0001"). */
  ref: string;
  payer: string;
  lines: number;
  /** What happens, in a sentence. */
  story: string;
}

export interface SeedDemoReturnType {
  networks: Record<string, bigint>;
  agreements: Record<string, bigint>;
  members: number;
  /** Every payment, order lines included. */
  payments: number;
  /** The orders paid with `payOrder` (their lines are among the payments). */
  orders: SeedDemoOrder[];
  /** Agreements collected with `collect` (paid straight to the party). */
  collects: number;
  referredPayments: number;
  permitPayments: number;
  /** Payments held by the concert tickets, and what became of them. */
  held: { payments: number; released: number; refunded: number; pending: number };
  /**
   * Trust-based holdback on day 4: how long a ticket sold by the referrer with a refund, and one sold by the
   * proven referrer, are held (seconds), with the track records (`referralRecord`) that decided it.
   */
  trust?: { refunded: SeedDemoTrust; proven: SeedDemoTrust };
  /** Counter-proposals made (the concert tickets' negotiation). */
  counterProposals: number;
  /** The mandates story: the agreement the hotel's and airline's mandates activated in its proposal's own
   * transaction, and why the negotiator found no terms for the hotel, airline and restaurant together. */
  mandates: { agreementId: bigint; activatedInBlock: bigint; proposedInBlock: bigint; conflicts: string[] };
  withdrawals: number;
  days: number;
  /** Timestamp of the last seeded block. */
  lastTimestamp: bigint;
}

/** One referrer's standing in the concert tickets when the story compares them. */
export interface SeedDemoTrust {
  referrer: string;
  name: string;
  /** Seconds its customer's ticket is held. */
  holdbackPeriod: number;
  tier: number;
  earned: bigint;
  refunded: bigint;
}

/** Plays the demo story on the node behind `client`. */
export async function seedDemo({
  client,
  ecoshare,
  stablecoin,
  accounts,
  days = 14,
  paymentsPerDay = 25,
  withdrawals: withWithdrawals = true,
  seed = 20_261_122,
  gasCap,
  onProgress,
}: SeedDemoParameters): Promise<SeedDemoReturnType> {
  const chain = new DevChain(client, gasCap === undefined ? {} : { gasCap });
  const random = seededRandom(seed);
  const who = (key: string) => demoAccount(accounts, key);
  const call = (from: DemoAccount, fn: string, args: readonly unknown[], value?: bigint): DevTransaction => ({
    from: from.address,
    to: ecoshare,
    data: ecoshareInterface.encodeFunctionData(fn, [...args]) as Hex,
    ...(value === undefined ? {} : { value }),
  });
  const read = <T>(functionName: string, args: readonly unknown[] = []) =>
    readContract<T>({ client, abi: "ecoshare", address: ecoshare, functionName, args, blockTag: "latest" });

  // Money for the customers: demo dollars, approved once (except Emre, who pays by permit). Wanderwise Travel
  // books for a customer once, so it holds some too.
  const customers = ["alice", "bob", "chen", "dana", "emre"].map(who);
  const deployer = who("deployer");
  for (const customer of [...customers, who("travelAgency")]) {
    await chain.send({ from: deployer.address, to: stablecoin, data: tokenData("mint", [customer.address, 1_000_000n * DUSD]) });
    if (customer.key !== "emre") {
      await chain.send({ from: customer.address, to: stablecoin, data: tokenData("approve", [ecoshare, 2n ** 256n - 1n]) });
    }
  }

  // Networks and their members.
  onProgress?.("creating networks and admitting members");
  const networks: Record<string, bigint> = {};
  let members = 0;
  for (const net of demoCast.networks) {
    const operator = who(net.operator);
    // City Stay's co-branding (logo and colours), which the embedded checkout shows.
    const metadata = dataUri({ name: net.name, description: net.description, ...("brand" in net ? net.brand : {}) });
    await chain.send(call(operator, "createNetwork", [NetworkKind[net.kind as keyof typeof NetworkKind], who(net.feeRecipient).address, net.feeBps, metadata]));
    const networkId = await read<bigint>("networkCount");
    networks[net.key] = networkId;
    let lastAdmitted = operator;
    for (const member of net.members) {
      const account = who(member.account);
      const card = dataUri({ name: account.name, business: account.business });
      await chain.send(call(account, "join", [networkId, MemberRole[member.role as keyof typeof MemberRole], card]));
      const { status } = await read<{ status: number }>("membership", [networkId, account.address]);
      if (status === MemberStatus.Pending) {
        // In the peer-to-peer guild the newest member admits the next one; elsewhere the operator does.
        const admitter = net.kind === "PeerToPeer" ? lastAdmitted : operator;
        await chain.send(call(admitter, "admit", [networkId, account.address]));
      }
      lastAdmitted = account;
      members++;
    }
  }

  // Agreements.
  onProgress?.("proposing and signing agreements");
  const now = await chain.latestTimestamp();
  const window = { validFrom: now, validUntil: now + 180n * DAY };
  const domain = domainFromErc5267(await read<unknown[]>("eip712Domain"));
  const terms = async (
    networkKey: string,
    asset: Address,
    referralFeeBps: number,
    parties: [string, number][],
    title: string,
    {
      referralTiers = [],
      holdback = 0n,
      refunder,
      referrerRoles = 0,
    }: { referralTiers?: ReferralTier[]; holdback?: bigint; refunder?: string; referrerRoles?: number } = {},
  ) => {
    const net = await read<{ feeRecipient: Address; feeBps: number }>("network", [networks[networkKey]]);
    const unit = asset === ETH ? "ETH" : "dUSD";
    const scale = asset === ETH ? ETHER : DUSD;
    const heldFor = (seconds: number) => (seconds % Number(DAY) === 0 ? `${seconds / Number(DAY)} days` : `${seconds / Number(HOUR)} hours`);
    const tiers = referralTiers
      .map((t) => `, ${t.feeBps / 100}%${holdback === 0n ? "" : ` held ${heldFor(t.holdbackPeriod)}`} once ${Number(t.fromVolume) / Number(scale)} ${unit} referred and released`)
      .join("");
    const held = holdback === 0n ? "" : ` Payments are held ${holdback / DAY} days; ${who(refunder!).name} may refund them until then.`;
    const roles = referrerRoles === 0 ? "" : " Only referral partners may refer customers.";
    const text = `${title}. Shares of the vendor pool: ${parties.map(([k, s]) => `${who(k).name} ${s / 100}%`).join(", ")}. Referral fee ${referralFeeBps / 100}%${tiers}.${held}${roles}`;
    return {
      networkId: networks[networkKey]!,
      asset,
      parties: parties.map(([key, shareBps]): Party => ({ account: who(key).address, shareBps })),
      referralFeeBps,
      referralTiers,
      referrerRoles,
      networkFeeBps: net.feeBps,
      feeRecipient: net.feeRecipient,
      ...window,
      holdbackPeriod: Number(holdback),
      refunder: refunder === undefined ? ETH : who(refunder).address,
      termsHash: keccak256(toUtf8Bytes(text)) as Hex,
      termsURI: `data:text/plain,${encodeURIComponent(text)}`,
    } satisfies AgreementTerms;
  };
  const signAcceptance = async (signer: DemoAccount, agreementId: bigint, agreementTerms: AgreementTerms) => {
    const view = await read<{ version: number; previousId: bigint }>("agreement", [agreementId]);
    const message = { signer: signer.address, agreementId, version: view.version, previousId: view.previousId, terms: agreementTerms, deadline: agreementTerms.validUntil };
    const signature = await new Wallet(signer.privateKey).signTypedData(domain, mutableTypes(acceptanceTypes), message);
    return { signer: signer.address, deadline: agreementTerms.validUntil, signature };
  };
  /** Proposed by `proposer`; `byTx` accept with a transaction, `bySignature` sign and the proposer submits. */
  const agree = async (
    proposer: string,
    agreementTerms: AgreementTerms,
    { byTx = [], bySignature = [], amends }: { byTx?: string[]; bySignature?: string[]; amends?: bigint },
  ) => {
    await chain.send(
      amends === undefined ? call(who(proposer), "propose", [agreementTerms]) : call(who(proposer), "proposeAmendment", [amends, agreementTerms]),
    );
    const id = await read<bigint>("agreementCount");
    for (const key of byTx) await chain.send(call(who(key), "accept", [id]));
    if (bySignature.length > 0) {
      const acceptances = [];
      for (const key of bySignature) acceptances.push(await signAcceptance(who(key), id, agreementTerms));
      await chain.send(call(who(proposer), "acceptWithSignatures", [id, acceptances]));
    }
    return id;
  };

  // Loyalty tiers: 5% for every referrer, 7% once it has referred 2 ETH of weekend packages.
  const weekendTerms = await terms("cityStay", ETH, 500, [["hotel", 5000], ["airline", 3000], ["restaurant", 1000], ["events", 1000]], "City Stay weekend package: two nights, return flight, dinner, a concert", {
    referralTiers: [{ fromVolume: 2n * ETHER, feeBps: 700, holdbackPeriod: 0 }],
  });
  const agreements: Record<string, bigint> = {};
  agreements.weekend = await agree("hotel", weekendTerms, { bySignature: ["airline", "restaurant", "events"] });
  agreements.diningPass = await agree(
    "restaurant",
    await terms("cityStay", stablecoin, 800, [["restaurant", 6000], ["events", 4000]], "City Stay dining and events pass"),
    { byTx: ["events"] },
  );
  agreements.itServices = await agree(
    "itTuring",
    await terms("itGuild", stablecoin, 1000, [["itAda", 4000], ["itTuring", 3500], ["itHopper", 2500]], "IT Guild managed services for small businesses"),
    { byTx: ["itAda"], bySignature: ["itHopper"] },
  );
  // Anyone may join the marketplace, so a customer could refer itself through a second address: the bundle
  // lets only admitted referral partners refer.
  agreements.craftBundle = await agree(
    "maker",
    await terms("openBazaar", ETH, 300, [["maker", 7000], ["vintage", 3000]], "Open Bazaar craft bundle: a workshop piece and a vintage find", {
      referrerRoles: 1 << MemberRole.ReferralPartner,
    }),
    { byTx: ["vintage"] },
  );
  // Each vendor's own offer, sold together in one order: a room, a dinner, a city event.
  agreements.room = await agree("hotel", await terms("cityStay", ETH, 500, [["hotel", 10_000]], "City Stay room at the Grand Plaza Hotel, per night"), {});
  agreements.dinner = await agree("restaurant", await terms("cityStay", ETH, 400, [["restaurant", 10_000]], "Dinner for two at Trattoria Centrale"), {});
  agreements.cityEvent = await agree("events", await terms("cityStay", ETH, 400, [["events", 10_000]], "A CityPulse city event: guided night walk"), {});
  // Proposed by the hotel; the airline has not signed yet, so it stays pending.
  agreements.airportTransfer = await agree(
    "hotel",
    await terms("cityStay", stablecoin, 400, [["hotel", 5000], ["airline", 5000]], "City Stay airport transfer"),
    {},
  );

  // A negotiation: the events organiser offers concert tickets with a two-day holdback (it handles refunds),
  // 12 hours for referrers with 300 dUSD of clean ticket sales; the hotel counters by signature for a bigger
  // share, and the organiser accepts the counter.
  const ticketTerms = (events: number, hotel: number, title: string) =>
    terms("cityStay", stablecoin, 500, [["events", events], ["hotel", hotel]], title, {
      holdback: TICKETS_HOLDBACK,
      refunder: "events",
      referralTiers: [{ fromVolume: TRUSTED_FROM, feeBps: 500, holdbackPeriod: Number(TRUSTED_TICKETS_HOLDBACK) }],
    });
  agreements.ticketsOffer = await agree("events", await ticketTerms(8500, 1500, "City Stay concert tickets"), {});
  // Counter nonces are unordered: the hotel signs two counters (any fresh random nonce each), sends one and
  // cancels the other.
  const hotel = who("hotel");
  const signCounter = async (counterTerms: AgreementTerms) => {
    const message = { author: hotel.address, counteredId: agreements.ticketsOffer!, terms: counterTerms, nonce: randomCounterNonce(), deadline: window.validUntil };
    return { message, signature: await new Wallet(hotel.privateKey).signTypedData(domain, mutableTypes(counterProposalTypes), message) };
  };
  const counter = await signCounter(await ticketTerms(8000, 2000, "City Stay concert tickets, countered by the hotel: 20% for selling them at the desk"));
  const withdrawn = await signCounter(await ticketTerms(7500, 2500, "City Stay concert tickets, countered by the hotel: 25%"));
  await chain.send(call(hotel, "invalidateCounterNonce", [withdrawn.message.nonce]));
  const { message: counterMessage, signature: counterSignature } = counter;
  await chain.send(
    call(hotel, "counterProposeWithSignature", [
      counterMessage.counteredId,
      counterMessage.terms,
      hotel.address,
      counterMessage.nonce,
      counterMessage.deadline,
      counterSignature,
    ]),
  );
  agreements.tickets = await read<bigint>("agreementCount");
  await chain.send(call(who("events"), "accept", [agreements.tickets]));

  // Mandates: the hotel, the airline and the restaurant ("Ana", "Ben" and "Cy" of scripts/demo/mandates.json)
  // give City Stay their standing mandates. The file's expiry 0 ("until revoked") becomes a year from now: every
  // mandate on chain ends.
  onProgress?.("setting mandates and negotiating by them");
  const cityStay = networks.cityStay!;
  const fileMandates = parseMandates(mandatesFile);
  const castKeyOf = (account: string) => accounts.find((a) => a.address.toLowerCase() === account.toLowerCase())!.key;
  const onChain = (m: (typeof fileMandates)[number]): MandateStruct =>
    mandateStruct({ ...m, networkId: cityStay, expiresAt: m.expiresAt === 0n ? now + 365n * DAY : m.expiresAt });
  const [ana, ben, cy] = fileMandates as [(typeof fileMandates)[number], (typeof fileMandates)[number], (typeof fileMandates)[number]];
  await chain.send(call(who(castKeyOf(ana.account)), "grantMandate", [onChain(ana)]));
  // The airline signs its mandate; the hotel submits it (anyone may).
  const airline = who(castKeyOf(ben.account));
  const benMandate = onChain(ben);
  const benNonce = await read<bigint>("nextMandateNonce", [airline.address]);
  const benSignature = await new Wallet(airline.privateKey).signTypedData(domain, mutableTypes(setMandateTypes), {
    member: airline.address,
    mandate: benMandate,
    nonce: benNonce,
    deadline: now + DAY,
  });
  await chain.send(call(who(castKeyOf(ana.account)), "grantSignedMandate", [airline.address, benMandate, benNonce, now + DAY, benSignature]));
  await chain.send(call(who(castKeyOf(cy.account)), "grantMandate", [onChain(cy)]));
  const net = await read<{ feeRecipient: Address; feeBps: number }>("network", [cityStay]);
  const labels = new Map(fileMandates.map((m) => [m.account.toLowerCase(), m.label ?? m.account]));
  const live = async (party: typeof fileMandates) =>
    (await readMandates({ client, ecoshare, networkId: cityStay, accounts: party.map((m) => m.account), labels })).mandates;
  const fixed = { networkFeeBps: net.feeBps, feeRecipient: net.feeRecipient, validFrom: now, minReferralFeeBps: 200 };
  const pair = negotiate({ mandates: await live([ana, ben]), fixed, now });
  if (!pair.ok) throw new Error(`The demo's mandates of Ana and Ben should overlap: ${pair.conflicts.map((c) => c.message).join(" ")}`);
  const overlapText = "City Stay flight and stay bundle, negotiated by the hotel's and the airline's mandates";
  const mandatedTerms = { ...pair.terms, termsHash: keccak256(toUtf8Bytes(overlapText)) as Hex, termsURI: `data:text/plain,${encodeURIComponent(overlapText)}` };
  await chain.send(call(who(castKeyOf(ana.account)), "propose", [mandatedTerms]));
  agreements.byMandate = await read<bigint>("agreementCount");
  const mandatedBlock = BigInt(await chain.request<Hex>("eth_blockNumber"));
  const mandatedLogs = await fetchLogs({ client, address: ecoshare, fromBlock: mandatedBlock, toBlock: mandatedBlock });
  const activation = mandatedLogs.map((log) => decodeEcoshareLog({ log })).find((e) => e?.eventName === "AgreementActivated");
  if (activation === undefined) throw new Error(`Agreement ${agreements.byMandate} should have activated in its proposal's transaction.`);
  const trio = negotiate({ mandates: await live([ana, ben, cy]), fixed, now });
  const conflicts = trio.ok ? [] : trio.conflicts.map((c) => c.message);
  onProgress?.(`mandates: agreement ${agreements.byMandate} active in one transaction; with Cy: ${conflicts.join(" ")}`);

  // Trading days.
  const referrers: Record<string, string[]> = {
    cityStay: ["travelAgency", "travelAgent", "coffee", "itAda"],
    // Daily Grind Coffee's ticket sales are the story's own (one refunded, one on day 4), so its record is known.
    tickets: ["travelAgency", "travelAgent", "itAda"],
    itGuild: ["itAda", "itTuring", "itHopper"],
    openBazaar: ["coffee"],
  };
  const selling = {
    weekend: { id: agreements.weekend, network: "cityStay", asset: ETH as Address, weight: 35 },
    diningPass: { id: agreements.diningPass, network: "cityStay", asset: stablecoin, weight: 25 },
    itServices: { id: agreements.itServices, network: "itGuild", asset: stablecoin, weight: 20 },
    craftBundle: { id: agreements.craftBundle as bigint | undefined, network: "openBazaar", asset: ETH as Address, weight: 20 },
    tickets: { id: agreements.tickets, network: "cityStay", asset: stablecoin, weight: 15, referrers: "tickets" },
  };
  const tokenDomain = domainFromErc5267(
    await readContract<unknown[]>({ client, abi: "erc20", address: stablecoin, functionName: "eip712Domain", blockTag: "latest" }),
  );
  let emreNonce = await readContract<bigint>({ client, abi: "erc20", address: stablecoin, functionName: "nonces", args: [who("emre").address], blockTag: "latest" });

  let payments = 0;
  let referredPayments = 0;
  let permitPayments = 0;
  let withdrawals = 0;
  const firstDay = ((now + HOUR) / DAY + 1n) * DAY;
  const slots = [9n, 13n, 19n];

  /** Atlas Journeys books a group on day 1: 2.4 ETH referred at 5%, then a fourth guest at 7%. */
  const groupBooking = (guests: [string, bigint][]): DevTransaction[] =>
    guests.map(([key, amount]) => {
      payments++;
      referredPayments++;
      const orderRef = keccak256(toUtf8Bytes(`order-${payments}`)) as Hex;
      return { ...call(who(key), "pay", [selling.weekend.id, ETH, amount, who("travelAgent").address, orderRef, ETH], amount), gas: PAY_GAS };
    });

  /** Ticket sales the story makes itself, `[customer, referrer, dUSD]`: held, then released or refunded. */
  const ticketSales = (sales: [string, string, bigint][]): DevTransaction[] =>
    sales.map(([key, referrerKey, amount]) => {
      payments++;
      referredPayments++;
      const orderRef = keccak256(toUtf8Bytes(`order-${payments}`)) as Hex;
      return { ...call(who(key), "pay", [selling.tickets.id, stablecoin, amount * DUSD, who(referrerKey).address, orderRef, ETH]), gas: PAY_GAS };
    });
  /** How long each referrer's next ticket is held, and the track record that decides it. */
  const trustOf = async (key: string): Promise<SeedDemoTrust> => {
    const r = await read<{ tier: number; holdbackPeriod: number; earned: bigint; refunded: bigint }>("referralRecord", [selling.tickets.id, who(key).address]);
    return { referrer: who(key).address, name: who(key).name, holdbackPeriod: Number(r.holdbackPeriod), tier: Number(r.tier), earned: r.earned, refunded: r.refunded };
  };
  let trust: { refunded: SeedDemoTrust; proven: SeedDemoTrust } | undefined;

  // Held payments, read back from the log to release or refund them (only their hash is on chain).
  const held: HeldPayment[] = [];
  const heldCount = { payments: 0, released: 0, refunded: 0 };
  let heldFrom = BigInt(await chain.request<Hex>("eth_blockNumber"));
  const readHeld = async () => {
    const toBlock = BigInt(await chain.request<Hex>("eth_blockNumber"));
    const logs = await fetchLogs({ client, address: ecoshare, fromBlock: heldFrom, toBlock });
    heldFrom = toBlock + 1n;
    for (const log of logs) {
      if (log.topics[0] !== eventTopic("PaymentHeld")) continue;
      const event = decodeEcoshareLog({ log });
      if (event?.eventName === "PaymentHeld") held.push(event.args.held);
    }
  };
  /** After the day's trading: the organiser refunds one ticket (day 2). */
  const refundHeld = async (day: number, at: bigint): Promise<DevTransaction[]> => {
    await readHeld();
    heldCount.payments = held.length + heldCount.released + heldCount.refunded;
    const txs: DevTransaction[] = [];
    if (day === Math.min(2, days)) {
      // The concert Chen's ticket was for is cancelled: its refund goes to Chen, whom the agency named. Dana
      // returns the ticket Daily Grind Coffee sold her.
      const pending = held.filter((h) => h.releaseAt > at);
      const cancelled = pending.find((h) => h.refundTo.toLowerCase() !== h.payer.toLowerCase()) ?? pending[0];
      const returned = pending.find((h) => h.referrer.toLowerCase() === who("coffee").address.toLowerCase());
      for (const refunded of new Set([cancelled, returned].filter((h): h is HeldPayment => h !== undefined))) {
        txs.push({ ...call(who("events"), "refundHeldPayment", [refunded]), gas: PAY_GAS });
        held.splice(held.indexOf(refunded), 1);
        heldCount.refunded++;
      }
    }
    return txs;
  };
  /**
   * Anyone (here the restaurant) releases what is due at `at`, the latest block's time, in batches that
   * each stay under the gas cap (estimated on that block).
   */
  const releaseDue = async (at: bigint): Promise<DevTransaction[]> => {
    const due = held.filter((h) => h.releaseAt <= at);
    held.splice(0, held.length, ...held.filter((h) => h.releaseAt > at));
    heldCount.released += due.length;
    return chain.gasBatches(due, (batch) => call(who("restaurant"), "releaseHeldPayments", [batch]));
  };

  const payment = async (): Promise<DevTransaction> => {
    const offers = Object.values(selling).filter((o): o is typeof o & { id: bigint } => o.id !== undefined);
    const total = offers.reduce((sum, o) => sum + o.weight, 0);
    let pick = random() * total;
    const offer = offers.find((o) => (pick -= o.weight) < 0) ?? offers[0]!;
    const customer = customers[Math.floor(random() * customers.length)]!;
    const referred = random() < 0.55;
    const referrerKey = referred ? pickOne(random, referrers[("referrers" in offer ? offer.referrers : undefined) ?? offer.network]!) : undefined;
    const referrer = referrerKey === undefined ? ETH : who(referrerKey).address;
    if (referred) referredPayments++;
    payments++;
    const orderRef = keccak256(toUtf8Bytes(`order-${payments}`)) as Hex;
    if (offer.asset === ETH) {
      const amount = BigInt(Math.round((0.02 + random() * 0.88) * 1000)) * 10n ** 15n + BigInt(Math.floor(random() * 1_000_000));
      return { ...call(customer, "pay", [offer.id, ETH, amount, referrer, orderRef, ETH], amount), gas: PAY_GAS };
    }
    const amount = BigInt(Math.round((5 + random() * 295) * 100)) * 10_000n + BigInt(Math.floor(random() * 10_000));
    if (customer.key !== "emre") return { ...call(customer, "pay", [offer.id, stablecoin, amount, referrer, orderRef, ETH]), gas: PAY_GAS };
    // Emre has no allowance: every payment carries an EIP-2612 permit, signed in order of his nonces.
    permitPayments++;
    const permit = await emrePermit(amount);
    return {
      ...call(customer, "payWithPermit", [offer.id, stablecoin, amount, referrer, orderRef, ETH, permit.deadline, permit.v, permit.r, permit.s]),
      gas: PAY_GAS,
    };
  };
  /** Emre's EIP-2612 permit for `value` demo dollars, the next of his nonces. */
  const emrePermit = async (value: bigint) => {
    const emre = who("emre");
    const deadline = window.validUntil;
    const signature = await new Wallet(emre.privateKey).signTypedData(tokenDomain, PERMIT_TYPES, {
      owner: emre.address,
      spender: ecoshare,
      value,
      nonce: emreNonce++,
      deadline,
    });
    const { v, r, s } = Signature.from(signature);
    return { token: stablecoin, value, deadline, v, r, s };
  };

  // Orders: several agreements, one customer, one transaction (the lines count among the payments).
  const orders: SeedDemoOrder[] = [];
  type Line = { agreement: string; asset: Address; amount: bigint };
  const order = async (
    payerKey: string,
    ref: string,
    lines: Line[],
    { referrer, refundTo, story }: { referrer?: string; refundTo?: string; story: string },
  ): Promise<DevTransaction> => {
    const payer = who(payerKey);
    const referrerAddress = referrer === undefined ? ETH : who(referrer).address;
    const orderLines = lines.map((l) => ({ agreementId: agreements[l.agreement]!, asset: l.asset, amount: l.amount, referrer: referrerAddress }));
    const tokens = lines.filter((l) => l.asset !== ETH).reduce((sum, l) => sum + l.amount, 0n);
    // Emre has no allowance: the order carries one permit for the sum of its dollar lines.
    const permits = tokens > 0n && payerKey === "emre" ? [await emrePermit(tokens)] : [];
    if (permits.length > 0) permitPayments++;
    const value = lines.filter((l) => l.asset === ETH).reduce((sum, l) => sum + l.amount, 0n);
    payments += lines.length;
    if (referrer !== undefined) referredPayments += lines.length;
    orders.push({ ref, payer: payer.name, lines: lines.length, story });
    const refundAddress = refundTo === undefined ? ETH : who(refundTo).address;
    return { ...call(payer, "payOrder", [orderLines, orderRefFromText(ref), refundAddress, permits], value), gas: ORDER_GAS };
  };
  const milli = 10n ** 15n;
  /** The story's orders, by day and time slot. */
  const plannedOrders: { day: number; slot: number; payer: string; ref: string; lines: Line[]; referrer?: string; refundTo?: string; story: string }[] = [
    {
      day: 1,
      slot: 1,
      payer: "alice",
      ref: "CS-0001",
      lines: [
        { agreement: "room", asset: ETH, amount: 240n * milli },
        { agreement: "dinner", asset: ETH, amount: 95n * milli },
        { agreement: "cityEvent", asset: ETH, amount: 40n * milli },
      ],
      referrer: "travelAgent",
      story: "Alice books a room, dinner and a city event in one transaction through Atlas Journeys's referral link",
    },
    {
      day: 1,
      slot: 2,
      payer: "emre",
      ref: "CS-0002",
      lines: [
        { agreement: "room", asset: ETH, amount: 480n * milli },
        { agreement: "diningPass", asset: stablecoin, amount: 120n * DUSD },
        { agreement: "tickets", asset: stablecoin, amount: 65n * DUSD },
      ],
      referrer: "travelAgency",
      story: "Emre pays ETH and dUSD in one order, the dollars pulled once with one permit",
    },
    {
      day: Math.min(2, days),
      slot: 0,
      payer: "travelAgency",
      ref: "CS-0003",
      lines: [
        { agreement: "room", asset: ETH, amount: 240n * milli },
        { agreement: "tickets", asset: stablecoin, amount: 55n * DUSD },
      ],
      refundTo: "chen",
      story: "Wanderwise Travel books for Chen and names him as refund recipient; the cancelled concert ticket is refunded to Chen",
    },
  ];

  /** `account` withdraws (or, with `by`, someone triggers it for them) its whole `asset` balance. */
  const withdraw = async (key: string, asset: Address, agreementKeys: string[], by?: string): Promise<DevTransaction | undefined> => {
    const account = who(key);
    const ids = agreementKeys.flatMap((k) => (agreements[k] === undefined ? [] : [agreements[k]]));
    let amount = await read<bigint>("balanceOf", [account.address, asset]);
    for (const id of ids) amount += await read<bigint>("collectable", [id, account.address]);
    if (amount === 0n) return undefined;
    return { ...call(who(by ?? key), "withdraw", [account.address, asset, ids]), gas: WITHDRAW_GAS };
  };
  /** `key` collects its earnings from one agreement straight to its wallet (`collect`). */
  let collects = 0;
  const collect = async (key: string, agreementKey: string): Promise<DevTransaction | undefined> => {
    const id = agreements[agreementKey];
    if (id === undefined || (await read<bigint>("collectable", [id, who(key).address])) === 0n) return undefined;
    collects++;
    return { ...call(who(key), "claim", [id]), gas: WITHDRAW_GAS };
  };
  const withdrawalsOn: Record<number, () => Promise<(DevTransaction | undefined)[]>> = {
    3: async () => [await collect("hotel", "room")],
    4: async () => [
      await withdraw("travelAgency", ETH, []),
      await withdraw("travelAgency", stablecoin, []),
      await withdraw("airline", ETH, ["weekend"]),
    ],
    8: async () => [
      await withdraw("hotel", ETH, ["weekend", "weekendV2"]),
      await withdraw("restaurant", stablecoin, ["diningPass"]),
      await withdraw("travelAgent", ETH, [], "hotel"),
    ],
    11: async () => [
      await withdraw("maker", ETH, ["craftBundle"]),
      await withdraw("bazaar", ETH, ["craftBundle"]),
      await withdraw("itAda", stablecoin, ["itServices"]),
      await withdraw("itAda", ETH, []),
    ],
    14: async () => [
      await withdraw("events", ETH, ["weekend", "weekendV2"]),
      await withdraw("events", stablecoin, ["diningPass", "tickets"]),
      await withdraw("coffee", ETH, []),
      await withdraw("itTuring", stablecoin, ["itServices"]),
    ],
  };

  for (let day = 1; day <= days; day++) {
    const dayStart = firstDay + BigInt(day - 1) * DAY;
    for (const [slot, hour] of slots.entries()) {
      const count = Math.floor(paymentsPerDay / slots.length) + (slot < paymentsPerDay % slots.length ? 1 : 0);
      const txs: DevTransaction[] = [];
      for (let i = 0; i < count; i++) txs.push(await payment());
      for (const planned of plannedOrders.filter((o) => o.day === day && o.slot === slot)) {
        txs.push(await order(planned.payer, planned.ref, planned.lines, planned));
      }
      if (day === 1 && slot === 0) txs.push(...groupBooking([["alice", 8n * 10n ** 17n], ["bob", 8n * 10n ** 17n], ["chen", 8n * 10n ** 17n]]));
      if (day === 1 && slot === 1) txs.push(...groupBooking([["dana", 5n * 10n ** 17n]]));
      // Atlas Journeys sells two concert tickets (released on day 3: it becomes a proven referrer); Daily Grind
      // Coffee sells one, which the organiser refunds on day 2.
      if (day === 1 && slot === 0) {
        txs.push(...ticketSales([["alice", "travelAgent", 180n], ["bob", "travelAgent", 160n], ["dana", "coffee", 150n]]));
      }
      if (day === Math.min(4, days) && slot === 0 && days >= 4) {
        // Both sell a ticket: the referrer whose sale was refunded waits two days, the proven one 12 hours.
        trust = { refunded: await trustOf("coffee"), proven: await trustOf("travelAgent") };
        txs.push(...ticketSales([["dana", "coffee", 120n], ["chen", "travelAgent", 120n]]));
        onProgress?.(`day ${day}: ${trust.refunded.name}'s ticket held ${trust.refunded.holdbackPeriod / 3600} h, ${trust.proven.name}'s ${trust.proven.holdbackPeriod / 3600} h`);
      }
      await chain.sendInBlock(txs, dayStart + hour * HOUR + BigInt(Math.floor(random() * 3_000)));
      if (slot === 0 && day === Math.min(7, days)) {
        // Late morning, day 7: the hotel gives the restaurant a bigger slice and raises the referral fee.
        await chain.setNextBlockTimestamp(dayStart + 11n * HOUR);
        // Referrers keep the volume they reached under version 1 (the same lineage).
        const amended = await terms("cityStay", ETH, 600, [["hotel", 4500], ["airline", 3000], ["restaurant", 1500], ["events", 1000]], "City Stay weekend package, version 2: more for the restaurant", {
          referralTiers: [{ fromVolume: 2n * ETHER, feeBps: 700, holdbackPeriod: 0 }, { fromVolume: 6n * ETHER, feeBps: 800, holdbackPeriod: 0 }],
        });
        agreements.weekendV2 = await agree("hotel", amended, { bySignature: ["airline", "restaurant", "events"], amends: agreements.weekend });
        selling.weekend.id = agreements.weekendV2;
        onProgress?.(`day ${day}: weekend package amended (agreement ${agreements.weekendV2})`);
      }
      if (slot === 0 && day === Math.min(10, days)) {
        // Midday, day 10: the vintage shop leaves the craft bundle.
        await chain.setNextBlockTimestamp(dayStart + 12n * HOUR);
        await chain.send(call(who("vintage"), "terminate", [agreements.craftBundle]));
        selling.craftBundle.id = undefined;
        onProgress?.(`day ${day}: craft bundle terminated`);
      }
    }
    const planned = withWithdrawals ? await withdrawalsOn[day]?.() : undefined;
    const txs = (planned ?? []).filter((tx): tx is DevTransaction => tx !== undefined);
    withdrawals += txs.filter((tx) => !tx.data.startsWith(ecoshareInterface.getFunction("claim")!.selector)).length;
    const evening = dayStart + 21n * HOUR;
    txs.push(...(await refundHeld(day, evening)));
    if (txs.length > 0) await chain.sendInBlock(txs, evening);
    else await chain.mine(evening);
    // Released a minute later, estimated on the evening's block.
    await chain.sendInBlock(await releaseDue(evening), evening + 60n);
    onProgress?.(`day ${day} of ${days}: ${payments} payments, ${withdrawals} withdrawals`);
  }

  return {
    networks,
    agreements,
    members,
    payments,
    orders,
    collects,
    referredPayments,
    permitPayments,
    held: { ...heldCount, pending: held.length },
    ...(trust === undefined ? {} : { trust }),
    counterProposals: 1,
    mandates: { agreementId: agreements.byMandate, activatedInBlock: activation.blockNumber, proposedInBlock: mandatedBlock, conflicts },
    withdrawals,
    days,
    lastTimestamp: await chain.latestTimestamp(),
  };
}

const PERMIT_TYPES: Record<string, TypedDataField[]> = { Permit: [...permitTypes.Permit] };

function tokenData(fn: string, args: readonly unknown[]): Hex {
  return tokenInterface.encodeFunctionData(fn, [...args]) as Hex;
}

/** The readonly `as const` types of eip712.ts in the mutable shape ethers' signer takes. */
function mutableTypes(types: Record<string, readonly TypedDataField[]>): Record<string, TypedDataField[]> {
  return Object.fromEntries(Object.entries(types).map(([name, fields]) => [name, fields.map((f) => ({ ...f }))]));
}

/** Metadata published inline: a `data:` URI with a small JSON document the app can show. */
function dataUri(content: Record<string, unknown>): string {
  return `data:application/json,${encodeURIComponent(JSON.stringify(content))}`;
}

function pickOne<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

