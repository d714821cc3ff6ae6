/**
 * The audit's full ledger as files: one CSV per table for spreadsheets and one JSON document with
 * everything, including the chain's readings and every problem found; orders and payments (every payment
 * and every order line) also as JSON of their own.
 *
 * CSV (client/csv.ts): every amount as a decimal column in the asset's units and an exact base-units
 * column kept as text, with the asset's symbol and decimals; every row from an event with its block number
 * and block time (ISO 8601 UTC); every row of state with the block it was read at (`asOfBlock`, `asOfTime`).
 * JSON: amounts exact, as strings of base units, plus the same block times.
 */
import type { AssetInfo } from "./assets.js";
import { formatAmount } from "./assets.js";
import type { AuditReport } from "./audit.js";
import { formatMismatch, isMoney, type AddressLabels } from "./audit-format.js";
import { isoTime } from "./block-times.js";
import { ASSET_COLUMNS, amountCells, amountColumns, assetCells, toCsv, type Cell } from "./csv.js";
import { collectable, entitledAccounts, heldTotals, networkFeeTotals, referralStanding } from "./ledger.js";
import { nextReferralTier } from "./referral-tiers.js";
import { formatOrderRef } from "./order-ref.js";
import { AgreementStatus, MemberRole, MemberStatus, NetworkKind, enumName } from "./protocol.js";
import { riskFigures } from "./risk.js";

export type LedgerFilesParameters = { report: AuditReport; labels?: AddressLabels; chainId: number };

type Row = Record<string, Cell>;

/**
 * File name to content: accounts.csv, agreements.csv, positions.csv, networks.csv, members.csv, holdings.csv,
 * held.csv (held payments per asset), held-payments.csv, referrals.csv, orders.csv (one row per order and
 * asset) and orders.json (one per order), payments.csv and payments.json (one row per payment or order
 * line, with its order and split), problems.csv, ledger.json.
 */
export function ledgerFiles({ report, labels, chainId }: LedgerFilesParameters): Map<string, string> {
  const { ledger, assets, readings } = report;
  const label = (address: string) => labels?.get(address.toLowerCase()) ?? "";
  const info = (asset: string): AssetInfo | undefined => assets.get(asset.toLowerCase());
  const symbol = (asset: string) => info(asset)?.symbol ?? "";
  const time = (block: bigint) => {
    const t = report.blockTimes.get(block);
    return t === undefined ? "" : isoTime(t);
  };
  const asOf = { asOfBlock: report.toBlock, asOfTime: isoTime(report.timestamp) };
  const AS_OF = ["asOfBlock", "asOfTime"];
  /** A CSV row: `row`'s cells with each of `amounts` as a decimal and a base-units column, and the asset's columns. */
  const csvRow = (row: Row, asset: string, amounts: Record<string, bigint | "" | undefined>): Row => {
    const cells: Row = { ...row, ...assetCells(asset, info(asset)) };
    for (const [name, amount] of Object.entries(amounts)) Object.assign(cells, amountCells(name, amount, info(asset)));
    return cells;
  };
  const files = new Map<string, string>();

  const accounts = [...ledger.accounts.values()].map((a) => {
    const key = `${a.account.toLowerCase()}/${a.asset.toLowerCase()}`;
    return {
      account: a.account,
      label: label(a.account),
      asset: a.asset,
      symbol: symbol(a.asset),
      balance: a.balance,
      balanceOnChain: readings.balances.get(key) ?? ("" as const),
      referralFees: a.referralFees,
      refunds: a.refunds,
      collectedShares: a.collectedShares,
      collectedNetworkFees: a.collectedNetworkFees,
      paidByCollect: a.paidByCollect,
      withdrawn: a.withdrawn,
    };
  });
  const accountAmounts = ["balance", "balanceOnChain", "referralFees", "refunds", "collectedShares", "collectedNetworkFees", "paidByCollect", "withdrawn"] as const;
  files.set(
    "accounts.csv",
    toCsv(
      accounts.map((a) => ({ ...csvRow({ account: a.account, label: a.label }, a.asset, pick(a, accountAmounts)), ...asOf })),
      ["account", "label", ...ASSET_COLUMNS, ...amountColumns(...accountAmounts), ...AS_OF],
    ),
  );

  const agreementRows = [...ledger.agreements.values()].map((a) => {
    const amounts = {
      volume: a.volume,
      referralFees: a.referralFees,
      vendorPool: a.vendorPool,
      partiesCollected: a.parties.reduce((s, p) => s + p.collected, 0n),
      networkFees: a.networkFees,
      networkFeesCollected: a.networkFeesCollected,
      heldPending: a.heldAmount,
      released: a.releasedAmount,
      refunded: a.refundedAmount,
    };
    const row = {
      agreementId: a.id,
      networkId: a.networkId,
      version: a.version,
      previousId: a.previousId,
      lineageId: a.lineageId,
      counteredId: a.counteredId,
      counterAuthor: a.counterAuthor ?? "",
      supersededBy: a.supersededBy,
      status: enumName(AgreementStatus, a.status),
      parties: a.parties.length,
      referralFeeBps: a.referralFeeBps,
      referralTiers: a.referralTiers.map((t) => `${t.feeBps}@${t.fromVolume}/${t.holdbackPeriod}s`).join(" "),
      referrerRoles: referrerRolesText(a.referrerRoles),
      networkFeeBps: a.networkFeeBps,
      feeRecipient: a.feeRecipient,
      holdbackPeriod: a.holdbackPeriod,
      refunder: a.holdbackPeriod === 0 ? "" : a.refunder,
      payments: a.payments,
      referredPayments: a.referredPayments,
      heldPayments: a.heldPayments,
      releasedPayments: a.releasedPayments,
      refundedPayments: a.refundedPayments,
      termsURI: a.termsURI,
    };
    return { ...csvRow(row, a.asset, amounts), ...asOf };
  });
  const agreementColumns = [
    "agreementId", "networkId", "version", "previousId", "lineageId", "counteredId", "counterAuthor", "supersededBy", "status",
    ...ASSET_COLUMNS, "parties", "referralFeeBps", "referralTiers", "referrerRoles", "networkFeeBps", "feeRecipient", "holdbackPeriod", "refunder",
    "payments", "referredPayments", ...amountColumns("volume", "referralFees", "vendorPool", "partiesCollected", "networkFees", "networkFeesCollected"),
    "heldPayments", ...amountColumns("heldPending"), "releasedPayments", ...amountColumns("released"), "refundedPayments", ...amountColumns("refunded"),
    "termsURI", ...AS_OF,
  ];
  files.set("agreements.csv", toCsv(agreementRows, agreementColumns));

  const positionRecords = [...ledger.agreements.values()].flatMap((a) =>
    entitledAccounts(a).map((account) => {
      const party = a.parties.find((p) => p.account.toLowerCase() === account.toLowerCase());
      return {
        agreementId: a.id,
        account,
        label: label(account),
        role: [party ? "party" : "", account.toLowerCase() === a.feeRecipient.toLowerCase() ? "fee recipient" : ""].filter(Boolean).join(" + "),
        shareStart: party?.shareStart ?? "",
        shareBps: party?.shareBps ?? "",
        asset: a.asset,
        collected: party?.collected ?? ("" as const),
        collectable: collectable({ agreement: a, account, timestamp: report.timestamp }),
        collectableOnChain: readings.collectables.get(`${a.id}/${account.toLowerCase()}`) ?? ("" as const),
      };
    }),
  );
  const positions = positionRecords.map(({ asset: _asset, ...p }) => p);
  const positionAmounts = ["collected", "collectable", "collectableOnChain"] as const;
  files.set(
    "positions.csv",
    toCsv(
      positionRecords.map((p) => ({ ...csvRow({ agreementId: p.agreementId, account: p.account, label: p.label, role: p.role, shareStart: p.shareStart, shareBps: p.shareBps }, p.asset, pick(p, positionAmounts)), ...asOf })),
      ["agreementId", "account", "label", "role", "shareStart", "shareBps", ...ASSET_COLUMNS, ...amountColumns(...positionAmounts), ...AS_OF],
    ),
  );

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
  const networkAmounts = ["networkFees", "networkFeesCollected", "outstanding"] as const;
  files.set(
    "networks.csv",
    toCsv(
      networks.map((n) => ({ ...csvRow({ networkId: n.networkId, kind: n.kind, operator: n.operator, operatorLabel: n.operatorLabel, feeRecipients: n.feeRecipients }, n.asset, pick(n, networkAmounts)), ...asOf })),
      ["networkId", "kind", "operator", "operatorLabel", ...ASSET_COLUMNS, "feeRecipients", ...amountColumns(...networkAmounts), ...AS_OF],
    ),
  );

  const members = [...ledger.networks.values()].flatMap((net) =>
    [...net.members].map(([account, m]) => ({
      networkId: net.id,
      account,
      label: label(account),
      role: enumName(MemberRole, m.role),
      status: enumName(MemberStatus, m.status),
      ...asOf,
    })),
  );
  files.set("members.csv", toCsv(members, ["networkId", "account", "label", "role", "status", ...AS_OF]));

  const held = heldTotals(ledger).map((t) => ({ ...t, symbol: symbol(t.asset) }));
  files.set(
    "held.csv",
    toCsv(
      held.map((t) => ({
        ...csvRow({ pendingPayments: t.pendingPayments, releasedPayments: t.releasedPayments, refundedPayments: t.refundedPayments }, t.asset, { pending: t.pending, released: t.released, refunded: t.refunded }),
        ...asOf,
      })),
      [...ASSET_COLUMNS, ...amountColumns("pending"), "pendingPayments", ...amountColumns("released"), "releasedPayments", ...amountColumns("refunded"), "refundedPayments", ...AS_OF],
    ),
  );

  // Where each held payment was settled: the block of its release or refund.
  const settledAt = new Map<bigint, bigint>();
  for (const e of report.events) {
    if (e.eventName === "HeldPaymentReleased" || e.eventName === "HeldPaymentRefunded") settledAt.set(e.args.holdId, e.blockNumber);
  }
  const heldPayments = [...ledger.heldPayments.values()].map((h) => {
    const heldBlock = h.payment === undefined ? undefined : ledger.payments[h.payment]?.blockNumber;
    const settledBlock = settledAt.get(h.holdId);
    return {
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
      releaseAtTime: isoTime(h.releaseAt),
      refundTo: h.refundTo,
      refundToLabel: label(h.refundTo),
      payment: h.payment,
      heldIn: h.heldIn,
      heldBlock,
      heldTime: heldBlock === undefined ? "" : time(heldBlock),
      settledIn: h.settledIn ?? "",
      settledBlock,
      settledTime: settledBlock === undefined ? "" : time(settledBlock),
    };
  });
  const heldAmounts = ["amount", "networkFee", "referralFee", "vendorShare"] as const;
  files.set(
    "held-payments.csv",
    toCsv(
      heldPayments.map(({ amount, networkFee, referralFee, vendorShare, asset, symbol: _symbol, ...h }) => csvRow(h, asset, { amount, networkFee, referralFee, vendorShare })),
      [
        "holdId", "agreementId", "status", "payer", "payerLabel", "referrer", "referrerLabel", ...ASSET_COLUMNS, ...amountColumns(...heldAmounts),
        "releaseAt", "releaseAtTime", "refundTo", "refundToLabel", "payment", "heldIn", "heldBlock", "heldTime", "settledIn", "settledBlock", "settledTime",
      ],
    ),
  );

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
      volumeOnChain: chain?.volume ?? ("" as const),
      pending: r.pending,
      tier: standing.tier,
      feeBps: standing.feeBps,
      nextTierFeeBps: next?.feeBps ?? "",
      toNextTier: next?.remaining ?? ("" as const),
      payments: r.payments,
      refunded: r.refunded,
      highestTierCharged: r.highestTier,
    }];
  });
  files.set(
    "referrals.csv",
    toCsv(
      referrals.map((r) => ({
        ...csvRow(
          { lineageId: r.lineageId, agreementId: r.agreementId, referrer: r.referrer, label: r.label, tier: r.tier, feeBps: r.feeBps, nextTierFeeBps: r.nextTierFeeBps, payments: r.payments, highestTierCharged: r.highestTierCharged },
          r.asset,
          { volume: r.volume, volumeOnChain: r.volumeOnChain, pending: r.pending, toNextTier: r.toNextTier, refunded: r.refunded },
        ),
        ...asOf,
      })),
      [
        "lineageId", "agreementId", "referrer", "label", ...ASSET_COLUMNS, ...amountColumns("volume", "volumeOnChain", "pending"), "tier", "feeBps", "nextTierFeeBps",
        ...amountColumns("toNextTier"), "payments", ...amountColumns("refunded"), "highestTierCharged", ...AS_OF,
      ],
    ),
  );

  const orders = ledger.orders.map((o) => ({
    order: o.index,
    transactionHash: o.transactionHash,
    blockNumber: o.blockNumber,
    blockTime: time(o.blockNumber),
    payer: o.payer,
    payerLabel: label(o.payer),
    orderRef: formatOrderRef(o.orderRef),
    orderRefHex: o.orderRef,
    lineCount: o.lineCount,
    refundTo: o.refundTo,
    refundToLabel: label(o.refundTo),
    totalsText: o.totals.map((t) => formatAmount(t.amount, info(t.asset))).join(" + "),
  }));
  const orderColumns = [
    "order", "transactionHash", "blockNumber", "blockTime", "payer", "payerLabel", "orderRef", "orderRefHex", "lineCount", "refundTo", "refundToLabel",
    ...ASSET_COLUMNS, "assetLines", ...amountColumns("total"), "totalsText",
  ];
  // One row per order and asset: an order paid in ETH and a token has two rows, each with its own total.
  const orderRows = ledger.orders.flatMap((o, i) =>
    o.totals.map((t) => csvRow({ ...orders[i]!, assetLines: o.lines.filter((l) => ledger.payments[l]?.asset.toLowerCase() === t.asset.toLowerCase()).length }, t.asset, { total: t.amount })),
  );
  files.set("orders.csv", toCsv(orderRows, orderColumns));
  files.set(
    "orders.json",
    exactJson(orders.map((o, i) => ({ ...o, totals: ledger.orders[i]!.totals.map((t) => ({ ...t, symbol: symbol(t.asset), decimals: decimalsOf(info(t.asset)) })) }))),
  );

  const payments = ledger.payments.map((p) => ({
    payment: p.index,
    order: p.order,
    line: p.line,
    transactionHash: p.transactionHash,
    blockNumber: p.blockNumber,
    blockTime: time(p.blockNumber),
    logIndex: p.logIndex,
    agreementId: p.agreementId,
    payer: p.payer,
    payerLabel: label(p.payer),
    referrer: p.referrer,
    referrerLabel: label(p.referrer),
    asset: p.asset,
    symbol: symbol(p.asset),
    decimals: decimalsOf(info(p.asset)),
    amount: p.amount,
    networkFee: p.networkFee,
    referralFee: p.referralFee,
    vendorShare: p.vendorShare,
    referralFeeBps: p.referralFeeBps,
    tier: p.tier,
    orderRef: formatOrderRef(p.orderRef),
    orderRefHex: p.orderRef,
    status: p.status,
    holdId: p.holdId,
    refundTo: p.refundTo,
  }));
  const paymentAmounts = ["amount", "networkFee", "referralFee", "vendorShare"] as const;
  const paymentColumns = [
    "payment", "order", "line", "transactionHash", "blockNumber", "blockTime", "logIndex", "agreementId", "payer", "payerLabel", "referrer", "referrerLabel",
    ...ASSET_COLUMNS, ...amountColumns(...paymentAmounts), "referralFeeBps", "tier", "orderRef", "orderRefHex", "status", "holdId", "refundTo",
  ];
  files.set(
    "payments.csv",
    toCsv(
      payments.map(({ amount, networkFee, referralFee, vendorShare, asset, symbol: _s, decimals: _d, ...p }) => csvRow(p, asset, { amount, networkFee, referralFee, vendorShare })),
      paymentColumns,
    ),
  );
  files.set("payments.json", exactJson(payments));

  const holdings = report.holdings.map((h) => ({ asset: h.asset, symbol: symbol(h.asset), held: h.held, owed: h.owed, difference: h.difference }));
  files.set(
    "holdings.csv",
    toCsv(
      holdings.map((h) => ({ ...csvRow({}, h.asset, { held: h.held, owed: h.owed, difference: h.difference }), ...asOf })),
      [...ASSET_COLUMNS, ...amountColumns("held", "owed", "difference"), ...AS_OF],
    ),
  );

  const problemRecords = [
    ...report.mismatches.map((m) => {
      const asset = isMoney(m) ? (m.asset ?? (m.agreementId === undefined ? undefined : ledger.agreements.get(m.agreementId)?.asset)) : undefined;
      return {
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
        moneyAsset: asset,
        blockNumber: report.toBlock,
        blockTime: isoTime(report.timestamp),
      };
    }),
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
      moneyAsset: undefined,
      blockNumber: a.blockNumber,
      blockTime: time(a.blockNumber),
    })),
  ];
  const problems = problemRecords.map(({ moneyAsset: _m, ...p }) => p);
  files.set(
    "problems.csv",
    toCsv(
      problemRecords.map(({ moneyAsset, log, chain, difference, asset, ...p }) => {
        const amount = (v: bigint | string) => (typeof v === "bigint" ? v : ("" as const));
        if (moneyAsset !== undefined) return csvRow(p, moneyAsset, { log: amount(log), chain: amount(chain), difference: amount(difference) });
        // Not an amount (a count, a status, a nonce): the values as they are, no base-units columns.
        return { ...p, ...assetCells(asset, asset === "" ? undefined : info(asset)), log: String(log), chain: String(chain), difference: String(difference) };
      }),
      ["kind", "field", "account", "agreementId", "networkId", ...ASSET_COLUMNS, ...amountColumns("log", "chain", "difference"), "message", "blockNumber", "blockTime"],
    ),
  );

  const json = {
    chainId,
    ecoshare: report.ecoshare,
    fromBlock: report.fromBlock,
    toBlock: report.toBlock,
    timestamp: report.timestamp,
    time: isoTime(report.timestamp),
    passed: report.passed,
    warnings: report.warnings,
    logs: report.logs,
    checks: report.checks,
    assets: [...assets.values()].map((a) => ({ address: a.address, symbol: a.unreadable === undefined ? a.symbol : null, decimals: decimalsOf(a), unreadable: a.unreadable })),
    holdings,
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

  // Risk figures per referrer, vendor and network (client/risk.ts).
  const risk = riskFigures(ledger, report.blockTimes);
  const riskAmounts = ["paid", "refunded", "released", "held", "clean"] as const;
  files.set(
    "risk.csv",
    toCsv(
      risk.map((r) => ({ ...csvRow({ scope: r.scope, subject: r.subject, label: r.scope === "network" ? "" : label(r.subject), payments: r.payments, refundedPayments: r.refundedPayments, refundRateBps: r.refundRateBps, releasedPayments: r.releasedPayments, medianReleaseSeconds: r.medianReleaseSeconds ?? "", meanReleaseSeconds: r.meanReleaseSeconds ?? "" }, r.asset, { paid: r.paid, refunded: r.refunded, released: r.released, held: r.held, clean: r.clean }), ...asOf })),
      ["scope", "subject", "label", "payments", "refundedPayments", "refundRateBps", "releasedPayments", "medianReleaseSeconds", "meanReleaseSeconds", ...ASSET_COLUMNS, ...amountColumns(...riskAmounts), ...AS_OF],
    ),
  );
  files.set("risk.json", exactJson({ ...asOf, figures: risk.map((r) => ({ ...r, symbol: symbol(r.asset) })) }));
  return files;
}

/** The asset's decimals when it told them, else undefined (null in JSON). */
function decimalsOf(asset: AssetInfo | undefined): number | undefined {
  return asset === undefined || asset.unreadable !== undefined ? undefined : asset.decimals;
}

function pick<T extends Record<string, unknown>, K extends keyof T>(record: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, record[k]])) as Pick<T, K>;
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

