/**
 * Links into the partner web app (app/), whose routes live in the URL hash (app/src/lib/route.ts parses
 * them). Written here, in the shared client, because the app's Share dialog and the demo's partner site
 * (scripts/demo/partner-site.ts) both hand them out.
 */

/** The shareable referral link to the checkout, crediting `referrer` on every line it may refer. */
export function checkoutLink(appUrl: string, referrer: string | undefined, agreementIds: readonly bigint[] = []): string {
  const query = [...(referrer ? [`ref=${referrer}`] : []), ...(agreementIds.length > 0 ? [`add=${agreementIds.join(",")}`] : [])];
  return `${appUrl}#/checkout${query.length > 0 ? `?${query.join("&")}` : ""}`;
}

/** The shareable referral link to pay agreement `agreementId`, crediting `referrer` (none: a plain pay link). */
export function referralLink(appUrl: string, agreementId: bigint, referrer: string | undefined): string {
  return `${appUrl}#/pay/${agreementId}${referrer ? `?ref=${referrer}` : ""}`;
}
