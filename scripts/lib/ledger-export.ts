/**
 * The audit's full ledger as files: one CSV per table (amounts in base units, exact) and one JSON
 * document with everything, including the chain's readings and every problem found; orders and payments
 * (every payment and every order line) also as JSON of their own, amounts as strings of base units.
 */
import { formatAmount } from "./assets.js";
import type { AuditReport } from "./audit.js";
import { formatMismatch, type AddressLabels } from "./audit-format.js";
import { collectable, heldTotals, networkFeeTotals, referralStanding } from "./ledger.js";
import { nextReferralTier } from "./referral-tiers.js";
import { formatOrderRef } from "./order-ref.js";
import { AgreementStatus, MemberRole, MemberStatus, NetworkKind, enumName } from "./protocol.js";
import { entitledAccounts } from "./reconcile.js";

export type LedgerFilesParameters = { report: AuditReport; labels?: AddressLabels; chainId: number };

/**
 * File name to content: accounts.csv, agreements.csv, positions.csv, networks.csv, members.csv, holdings.csv,
 * held.csv (held payments per asset), held-payments.csv, referrals.csv, orders.csv and orders.json (one row
 * per order), payments.csv and payments.json (one row per payment or order line, with its order and split),
 * problems.csv, ledger.json.
 */
export function ledgerFiles({ report, labels, chainId }: LedgerFilesParameters): Map<string, string> {
  const { ledger, assets, readings } = report;
  const label = (address: string) => labels?.get(address.toLowerCase()) ?? "";
  const symbol = (asset: string) => assets.get(asset.toLowerCase())?.symbol ?? "";
  const files = new Map<string, string>();

  const accounts = [...ledger.accounts.values()].map((a) => {
    const key = `${a.account.toLowerCase()}/${a.asset.toLowerCase()}`;
    return {
      account: a.account,
      label: label(a.account),
      asset: a.asset,
      symbol: symbol(a.asset),
      balance: a.balance,
      balanceOnChain: readings.balances.get(key) ?? "",
      referralFees: a.referralFees,
      refunds: a.refunds,
      collectedShares: a.collectedShares,
      collectedNetworkFees: a.collectedNetworkFees,
      paidByCollect: a.paidByCollect,
      withdrawn: a.withdrawn,
    };
  });
  files.set("accounts.csv", toCsv(accounts));

  const agreements = [...ledger.agreements.values()].map((a) => ({
    agreementId: a.id,
    networkId: a.networkId,
    version: a.version,
    previousId: a.previousId,
    lineageId: a.lineageId,
    counteredId: a.counteredId,
    counterAuthor: a.counterAuthor ?? "",
    supersededBy: a.supersededBy,
    status: enumName(AgreementStatus, a.status),
    asset: a.asset,
    symbol: symbol(a.asset),
    parties: a.parties.length,
    referralFeeBps: a.referralFeeBps,
    referralTiers: a.referralTiers.map((t) => `${t.feeBps}@${t.fromVolume}`).join(" "),
    referrerRoles: referrerRolesText(a.referrerRoles),
    networkFeeBps: a.networkFeeBps,
    feeRecipient: a.feeRecipient,
    holdbackPeriod: a.holdbackPeriod,
    refunder: a.holdbackPeriod === 0 ? "" : a.refunder,
    payments: a.payments,
    referredPayments: a.referredPayments,
    volume: a.volume,
    referralFees: a.referralFees,
    vendorPool: a.vendorPool,
    partiesCollected: a.parties.reduce((s, p) => s + p.collected, 0n),
    networkFees: a.networkFees,
    networkFeesCollected: a.networkFeesCollected,
    heldPayments: a.heldPayments,
    heldPending: a.heldAmount,
    releasedPayments: a.releasedPayments,
    released: a.releasedAmount,
    refundedPayments: a.refundedPayments,
    refunded: a.refundedAmount,
    termsURI: a.termsURI,
  }));
  files.set("agreements.csv", toCsv(agreements));

  const positions = [...ledger.agreements.values()].flatMap((a) =>
    entitledAccounts(a).map((account) => {
      const party = a.parties.find((p) => p.account.toLowerCase() === account.toLowerCase());
      return {
        agreementId: a.id,
        account,
        label: label(account),
        role: [party ? "party" : "", account.toLowerCase() === a.feeRecipient.toLowerCase() ? "fee recipient" : ""].filter(Boolean).join(" + "),
        shareStart: party?.shareStart ?? "",
        shareBps: party?.shareBps ?? "",
        collected: party?.collected ?? "",
        collectable: collectable({ agreement: a, account, timestamp: report.timestamp }),
        collectableOnChain: readings.collectables.get(`${a.id}/${account.toLowerCase()}`) ?? "",
      };
    }),
  );
  files.set("positions.csv", toCsv(positions));

  const networks = networkFeeTotals(ledger).map((t) => {
    const net = ledger.networks.get(t.networkId);
    return {
      networkId: t.networkId,
      kind: net ? enumName(NetworkKind, net.kind) : "",
      operator: net?.operator ?? "",
      operatorLabel: net ? label(net.operator) : "",
      asset: t.asset,
      symbol: symbol(t.asset),
      feeRecipients: t.feeRecipients.join(" "),
      networkFees: t.networkFees,
      networkFeesCollected: t.networkFeesCollected,
      outstanding: t.networkFees - t.networkFeesCollected,
    };
  });
  files.set("networks.csv", toCsv(networks));

  const members = [...ledger.networks.values()].flatMap((net) =>
    [...net.members].map(([account, m]) => ({
      networkId: net.id,
      account,
      label: label(account),
      role: enumName(MemberRole, m.role),
      status: enumName(MemberStatus, m.status),
    })),
  );
  files.set("members.csv", toCsv(members));

  const held = heldTotals(ledger).map((t) => ({ ...t, symbol: symbol(t.asset) }));
  files.set("held.csv", toCsv(held, ["asset", "symbol", "pending", "pendingPayments", "released", "releasedPayments", "refunded", "refundedPayments"]));

  const heldPayments = [...ledger.heldPayments.values()].map((h) => ({
    holdId: h.holdId,
    agreementId: h.agreementId,
    status: h.status,
    payer: h.payer,
    payerLabel: label(h.payer),
    referrer: h.referrer,
    referrerLabel: label(h.referrer),
    asset: h.asset,
    symbol: symbol(h.asset),
    amount: h.amount,
    networkFee: h.networkFee,
    referralFee: h.referralFee,
    vendorShare: h.vendorShare,
    releaseAt: h.releaseAt,
    refundTo: h.refundTo,
    refundToLabel: label(h.refundTo),
    payment: h.payment,
    heldIn: h.heldIn,
    settledIn: h.settledIn ?? "",
  }));
  const heldColumns = ["holdId", "agreementId", "status", "payer", "payerLabel", "referrer", "referrerLabel", "asset", "symbol", "amount", "networkFee", "referralFee", "vendorShare", "releaseAt", "refundTo", "refundToLabel", "payment", "heldIn", "settledIn"];
  files.set("held-payments.csv", toCsv(heldPayments, heldColumns));

  const referrals = [...ledger.referrals.values()].flatMap((r) => {
    // Standing under the lineage's active version (or its latest one), as the app shows it.
    const versions = ledger.lineages.get(r.lineageId)?.versions ?? [];
    const current = ledger.lineages.get(r.lineageId)?.activeId || versions.at(-1) || r.lineageId;
    const standing = referralStanding({ ledger, agreementId: current, referrer: r.referrer });
    const agreement = ledger.agreements.get(current);
    if (standing === undefined || agreement === undefined) return [];
    const next = nextReferralTier({ referralTiers: agreement.referralTiers, volume: r.volume });
    const chain = readings.referrals.get(`${current}/${r.referrer.toLowerCase()}`);
    return [{
      lineageId: r.lineageId,
      agreementId: current,
      referrer: r.referrer,
      label: label(r.referrer),
      asset: agreement.asset,
      symbol: symbol(agreement.asset),
      volume: r.volume,
      volumeOnChain: chain?.volume ?? "",
      pending: r.pending,
      tier: standing.tier,
      feeBps: standing.feeBps,
      nextTierFeeBps: next?.feeBps ?? "",
      toNextTier: next?.remaining ?? "",
      payments: r.payments,
      refunded: r.refunded,
      highestTierCharged: r.highestTier,
    }];
  });
  const referralColumns = ["lineageId", "agreementId", "referrer", "label", "asset", "symbol", "volume", "volumeOnChain", "pending", "tier", "feeBps", "nextTierFeeBps", "toNextTier", "payments", "refunded", "highestTierCharged"];
  files.set("referrals.csv", toCsv(referrals, referralColumns));

  const orders = ledger.orders.map((o) => ({
    order: o.index,
    transactionHash: o.transactionHash,
    blockNumber: o.blockNumber,
    payer: o.payer,
    payerLabel: label(o.payer),
    orderRef: formatOrderRef(o.orderRef),
    orderRefHex: o.orderRef,
    lineCount: o.lineCount,
    refundTo: o.refundTo,
    refundToLabel: label(o.refundTo),
    totals: o.totals.map((t) => `${t.asset}=${t.amount}`).join(" "),
    totalsText: o.totals.map((t) => formatAmount(t.amount, assets.get(t.asset.toLowerCase()))).join(" + "),
  }));
  const orderColumns = ["order", "transactionHash", "blockNumber", "payer", "payerLabel", "orderRef", "orderRefHex", "lineCount", "refundTo", "refundToLabel", "totals", "totalsText"];
  files.set("orders.csv", toCsv(orders, orderColumns));
  files.set(
    "orders.json",
    exactJson(orders.map(({ totals: _totals, ...o }, i) => ({ ...o, totals: ledger.orders[i]!.totals.map((t) => ({ ...t, symbol: symbol(t.asset) })) }))),
  );

  const payments = ledger.payments.map((p) => ({
    payment: p.index,
    order: p.order,
    line: p.line,
    transactionHash: p.transactionHash,
    blockNumber: p.blockNumber,
    logIndex: p.logIndex,
    agreementId: p.agreementId,
    payer: p.payer,
    payerLabel: label(p.payer),
    referrer: p.referrer,
    referrerLabel: label(p.referrer),
    asset: p.asset,
    symbol: symbol(p.asset),
    amount: p.amount,
    networkFee: p.networkFee,
    referralFee: p.referralFee,
    vendorShare: p.vendorShare,
    referralFeeBps: p.referralFeeBps,
    tier: p.tier,
    orderRef: formatOrderRef(p.orderRef),
    status: p.status,
    holdId: p.holdId,
    refundTo: p.refundTo,
  }));
  const paymentColumns = ["payment", "order", "line", "transactionHash", "blockNumber", "logIndex", "agreementId", "payer", "payerLabel", "referrer", "referrerLabel", "asset", "symbol", "amount", "networkFee", "referralFee", "vendorShare", "referralFeeBps", "tier", "orderRef", "status", "holdId", "refundTo"];
  files.set("payments.csv", toCsv(payments, paymentColumns));
  files.set("payments.json", exactJson(payments));

  files.set(
    "holdings.csv",
    toCsv(report.holdings.map((h) => ({ asset: h.asset, symbol: symbol(h.asset), held: h.held, owed: h.owed, difference: h.difference }))),
  );

  const problems = [
    ...report.mismatches.map((m) => ({
      kind: m.kind,
      field: m.field,
      account: m.account ?? "",
      agreementId: m.agreementId ?? "",
      networkId: m.networkId ?? "",
      asset: m.asset ?? "",
      log: m.ledger,
      chain: m.chain,
      difference: m.difference ?? "",
      message: formatMismatch({ mismatch: m, assets, ...(labels ? { labels } : {}) }),
    })),
    ...report.anomalies.map((a) => ({
      kind: "rule",
      field: "",
      account: a.account ?? "",
      agreementId: a.agreementId ?? "",
      networkId: "",
      asset: "",
      log: "",
      chain: "",
      difference: "",
      message: `${a.message} (tx ${a.transactionHash}, block ${a.blockNumber})`,
    })),
  ];
  files.set("problems.csv", toCsv(problems, ["kind", "field", "account", "agreementId", "networkId", "asset", "log", "chain", "difference", "message"]));

  const json = {
    chainId,
    ecoshare: report.ecoshare,
    fromBlock: report.fromBlock,
    toBlock: report.toBlock,
    timestamp: report.timestamp,
    passed: report.passed,
    logs: report.logs,
    checks: report.checks,
    holdings: report.holdings,
    accounts,
    agreements: [...ledger.agreements.values()].map((a) => ({ ...a, status: enumName(AgreementStatus, a.status) })),
    positions,
    networks: [...ledger.networks.values()].map((n) => ({
      ...n,
      kind: enumName(NetworkKind, n.kind),
      members: [...n.members].map(([account, m]) => ({ account, role: enumName(MemberRole, m.role), status: enumName(MemberStatus, m.status) })),
    })),
    networkFees: networkFeeTotals(ledger),
    held,
    heldPayments,
    referrals,
    lineages: [...ledger.lineages.values()],
    orders: { count: ledger.orders.length, lines: ledger.orders.reduce((n, o) => n + o.lines.length, 0), file: "orders.json" },
    payments: { count: ledger.payments.length, file: "payments.json" },
    cancelledCounterNonces: ledger.cancelledCounterNonces,
    problems,
  };
  files.set("ledger.json", exactJson(json));
  return files;
}

/** JSON with every bigint as a string of its exact value and absent values as null. */
export function exactJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v === undefined ? null : v), 2) + "\n";
}

/** A referrer-roles bitmask in words: "any member", or the roles it lets refer, e.g. "ReferralPartner". */
export function referrerRolesText(roles: number): string {
  if (roles === 0) return "any member";
  return Object.entries(MemberRole).filter(([, role]) => ((roles >> role) & 1) === 1).map(([name]) => name).join(" ");
}

type Cell = string | number | bigint | boolean | undefined;

/** RFC 4180 CSV with a header row; `columns` fixes the header when there may be no rows. Absent cells are empty. */
export function toCsv(rows: readonly Record<string, Cell>[], columns?: readonly string[]): string {
  const header = columns ?? Object.keys(rows[0] ?? {});
  const escape = (value: Cell | undefined) => {
    const text = value === undefined ? "" : String(value);
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [header.join(","), ...rows.map((row) => header.map((c) => escape(row[c])).join(","))].join("\n") + "\n";
}
