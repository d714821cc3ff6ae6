/**
 * Gas benchmark: measures every main operation on Hardhat's in-process EVM and writes bench/gas.md and
 * bench/gas.json. Gas is deterministic, so the committed report changes only when the contracts do.
 *
 *   npm run bench:gas
 */
import { writeFileSync } from "node:fs";
import { network } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { ContractTransactionResponse } from "ethers";

import { permitTypes } from "../scripts/lib/eip712.js";
import * as h from "../test/helpers/ecoshare.js";

const PARTY_COUNTS = [2, 5, 10, 50] as const;
const EIP_7825_TX_GAS_CAP = 16_777_216n;
const PAYMENT_GAS_BUDGET = 50_000n;
const COLLECT_GAS_BUDGET = 60_000n;

interface Entry {
  operation: string;
  asset: "ETH" | "ERC-20" | "-";
  parties: number | null;
  gas: number;
  note?: string;
}

const { ethers, provider } = await network.create();
const entries: Entry[] = [];

async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<number> {
  const receipt = await (await tx).wait();
  return Number(receipt!.gasUsed);
}

async function record(
  operation: string,
  asset: Entry["asset"],
  parties: number | null,
  tx: Promise<ContractTransactionResponse>,
  note?: string,
) {
  const gas = await gasOf(tx);
  entries.push({ operation, asset, parties, gas, ...(note ? { note } : {}) });
  return gas;
}

// 50 parties + operator, referrer, customer: fund enough fresh wallets from the default accounts.
const [operator, referrer, customer, funder] = (await ethers.getSigners()) as [
  HardhatEthersSigner,
  HardhatEthersSigner,
  HardhatEthersSigner,
  HardhatEthersSigner,
];
const partyWallets: HardhatEthersSigner[] = [];
for (let i = 0; i < 50; i++) {
  // Fixed keys and fixed terms (no clock in them): calldata and signatures, so gas, are the same on every run.
  const wallet = new ethers.Wallet(ethers.keccak256(ethers.toBeHex(i + 1, 32)), ethers.provider);
  await (await funder.sendTransaction({ to: wallet.address, value: ethers.parseEther("10") })).wait();
  partyWallets.push(wallet as unknown as HardhatEthersSigner);
}

const ecoshare = await h.deployEcoshare(ethers);
const token = await h.deployStablecoin(ethers);
const tokenAddress = (await token.getAddress()) as `0x${string}`;
await (await token.mint(customer.address, 10n ** 15n)).wait();
await (await token.connect(customer).approve(await ecoshare.getAddress(), ethers.MaxUint256)).wait();
// Parties already hold a little of the token, so a payout measures Ecoshare's cost, not the token's first
// write of a new holder (about 17,000 gas more, paid once per holder by any ERC-20 transfer).
for (const wallet of partyWallets) await (await token.mint(wallet.address, 1n)).wait();

await record(
  "createNetwork",
  "-",
  null,
  ecoshare.connect(operator).createNetwork(h.NetworkKind.VendorLed, operator.address, 100, "ipfs://network"),
);
const networkId = await ecoshare.networkCount();
await record("join (operator, admitted at once)", "-", null, ecoshare.connect(operator).join(networkId, 0, "ipfs://m"));
await record("join (request)", "-", null, ecoshare.connect(referrer).join(networkId, 1, "ipfs://m"));
await record("admit", "-", null, ecoshare.connect(operator).admit(networkId, referrer.address));
for (const wallet of partyWallets) {
  await (await ecoshare.connect(wallet).join(networkId, 0, "ipfs://m")).wait();
  await (await ecoshare.connect(operator).admit(networkId, wallet.address)).wait();
}

const payValue = ethers.parseEther("1");
const tokenValue = 250_000_000n; // 250 dUSD
const agreementsOfFirstParty: { eth: bigint[]; token: bigint[] } = { eth: [], token: [] };

for (const n of PARTY_COUNTS) {
  const parties = partyWallets.slice(0, n);
  for (const [asset, assetLabel] of [
    [h.ETH, "ETH"],
    [tokenAddress, "ERC-20"],
  ] as const) {
    const terms = await h.makeTerms(
      ecoshare,
      networkId,
      h.equalShares(parties.map((p) => p.address)),
      { asset, validFrom: 1n, validUntil: BigInt(2 ** 40 - 1) },
    );
    // The operator proposes, so all n parties accept by signature.
    const proposeGas = await record("propose", assetLabel, n, ecoshare.connect(operator).propose(terms));
    const id = await ecoshare.agreementCount();
    const acceptances = [];
    for (const p of parties) acceptances.push(await h.signAcceptance(ecoshare, p, id, terms, terms.validUntil));
    const activateGas = await record(`activate (${n} signatures)`, assetLabel, n, ecoshare.acceptWithSignatures(id, acceptances));
    if (BigInt(proposeGas + activateGas) >= EIP_7825_TX_GAS_CAP) throw new Error(`${n} parties exceed the tx gas cap`);

    const isEth = asset === h.ETH;
    const amount = isEth ? payValue : tokenValue;
    const pay = () =>
      ecoshare.connect(customer).pay(id, asset, amount, referrer.address, h.ORDER, { value: isEth ? amount : 0n });
    await record("pay with referral (first: balances empty)", assetLabel, n, pay());
    const steady = await record("pay with referral", assetLabel, n, pay(), "recipients' balances already non-zero");
    await record(
      "pay without referral",
      assetLabel,
      n,
      ecoshare.connect(customer).pay(id, asset, amount, h.NO_REFERRER, h.ORDER, { value: isEth ? amount : 0n }),
    );
    if (isEth && BigInt(steady) >= PAYMENT_GAS_BUDGET) throw new Error(`ETH payment with ${n} parties costs ${steady}`);

    const collect = await record(
      "withdraw: party collects one agreement",
      assetLabel,
      n,
      ecoshare.connect(parties[1]!).withdraw(parties[1]!.address, asset, [id]),
    );
    if (BigInt(collect) >= COLLECT_GAS_BUDGET) throw new Error(`collecting with ${n} parties costs ${collect}`);
    (isEth ? agreementsOfFirstParty.eth : agreementsOfFirstParty.token).push(id);
  }
}

// Dynamic revenue sharing: tiered referral rates and holdback, for the smallest and largest agreements.
for (const n of [2, 50]) {
  const parties = partyWallets.slice(0, n);
  const terms = await h.makeTerms(ecoshare, networkId, h.equalShares(parties.map((p) => p.address)), {
    validFrom: 1n, validUntil: BigInt(2 ** 40 - 1),
    referralTiers: [
      { fromVolume: ethers.parseEther("1"), feeBps: 700 },
      { fromVolume: ethers.parseEther("10"), feeBps: 900 },
    ],
    holdbackPeriod: 3_600,
    refunder: parties[0]!.address as `0x${string}`,
  });
  await (await ecoshare.connect(operator).propose(terms)).wait();
  const heldId = await ecoshare.agreementCount();
  const acceptances = [];
  for (const p of parties) acceptances.push(await h.signAcceptance(ecoshare, p, heldId, terms, terms.validUntil));
  await (await ecoshare.acceptWithSignatures(heldId, acceptances)).wait();
  const tiered = await h.activateAgreement(ecoshare, parties[0]!, parties, { ...terms, holdbackPeriod: 0, refunder: h.ETH, termsURI: "ipfs://tiered" });

  const payTiered = () => ecoshare.connect(customer).pay(tiered, h.ETH, payValue, referrer.address, h.ORDER, { value: payValue });
  await record("pay with tiered referral (first)", "ETH", n, payTiered());
  await record("pay with tiered referral", "ETH", n, payTiered(), "second payment: referrer past tier 1");

  const heldPayments = [];
  for (const label of ["pay under holdback (first)", "pay under holdback"]) {
    const tx = ecoshare.connect(customer).pay(heldId, h.ETH, payValue, referrer.address, h.ORDER, { value: payValue });
    const receipt = await (await tx).wait();
    entries.push({ operation: label, asset: "ETH", parties: n, gas: Number(receipt!.gasUsed), note: "tiered rate and holdback" });
    const log = receipt!.logs.map((l) => ecoshare.interface.parseLog(l)).find((l) => l?.name === "PaymentHeld")!;
    heldPayments.push(log.args.held.toObject());
  }
  await record("refund a held payment", "ETH", n, ecoshare.connect(parties[0]!).refundHeldPayment(heldPayments[0] as never));
  await provider.request({ method: "evm_increaseTime", params: [3_600] });
  await record("release a held payment", "ETH", n, ecoshare.releaseHeldPayments([heldPayments[1] as never]));
}

// Permit: a customer with no allowance pays in one transaction.
{
  const id = agreementsOfFirstParty.token[0]!;
  const permitCustomer = partyWallets[49]!;
  await (await token.mint(permitCustomer.address, tokenValue * 2n)).wait();
  for (const label of ["pay with permit and referral (first)", "pay with permit and referral"]) {
    const deadline = h.DAY * 100_000n;
    const nonce = await token.nonces(permitCustomer.address);
    const domain = { name: "Demo USD", version: "1", chainId: (await provider.request({ method: "eth_chainId" })) as string, verifyingContract: tokenAddress };
    const signature = ethers.Signature.from(
      await permitCustomer.signTypedData(
        domain,
        { Permit: [...permitTypes.Permit] },
        { owner: permitCustomer.address, spender: await ecoshare.getAddress(), value: tokenValue, nonce, deadline },
      ),
    );
    await record(
      label,
      "ERC-20",
      2,
      ecoshare
        .connect(permitCustomer)
        .payWithPermit(id, tokenAddress, tokenValue, referrer.address, h.ORDER, deadline, signature.v, signature.r, signature.s),
    );
  }
}

await record("withdraw: referrer's referral fees", "ETH", null, ecoshare.connect(referrer).withdraw(referrer.address, h.ETH, []));
await record(
  "withdraw: fee recipient collects 4 agreements",
  "ETH",
  null,
  ecoshare.connect(operator).withdraw(operator.address, h.ETH, agreementsOfFirstParty.eth),
);
await record(
  "withdraw: party collects 4 agreements in one transaction",
  "ETH",
  null,
  ecoshare.connect(partyWallets[0]!).withdraw(partyWallets[0]!.address, h.ETH, agreementsOfFirstParty.eth),
);
await record(
  "withdraw: party collects 4 agreements in one transaction",
  "ERC-20",
  null,
  ecoshare.connect(partyWallets[0]!).withdraw(partyWallets[0]!.address, tokenAddress, agreementsOfFirstParty.token),
);

const fmt = (n: number) => n.toLocaleString("en-US");
const lines = [
  "# Gas report",
  "",
  "Regenerated by `npm run bench:gas` (bench/gas.ts) on Hardhat's in-process EVM; gas is exact and deterministic.",
  "Figures are `gasUsed` of whole transactions (21,000 base and calldata included). Machine-readable copy: bench/gas.json.",
  "",
  `Budgets the benchmark enforces: an ETH payment with a referral < ${fmt(Number(PAYMENT_GAS_BUDGET))} once balances are non-zero, ` +
    `a party collecting one agreement < ${fmt(Number(COLLECT_GAS_BUDGET))}, proposing plus activating the largest agreement < ${fmt(Number(EIP_7825_TX_GAS_CAP))} (EIP-7825).`,
  "",
  "| operation | asset | parties | gas | note |",
  "| --- | --- | ---: | ---: | --- |",
  ...entries.map((e) => `| ${e.operation} | ${e.asset} | ${e.parties ?? "-"} | ${fmt(e.gas)} | ${e.note ?? ""} |`),
  "",
];
writeFileSync(new URL("./gas.md", import.meta.url), lines.join("\n"));
writeFileSync(new URL("./gas.json", import.meta.url), JSON.stringify(entries, null, 2) + "\n");
console.log(lines.join("\n"));
