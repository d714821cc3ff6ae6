/**
 * The "Share" button of an agreement, opening its dialog. The dialog (and its QR library) is loaded on
 * the first click, so it costs the app's start nothing.
 */
import { lazy, Suspense, useState } from "react";

import type { LedgerAgreement, LedgerNetwork } from "../../../client/ledger.js";
import { useAgreementPhase } from "./PhaseBadge";

const ShareDialog = lazy(() => import("./ShareDialog").then((m) => ({ default: m.ShareDialog })));

export function ShareButton({ agreement, network }: { agreement: LedgerAgreement; network: LedgerNetwork | undefined }) {
  const [open, setOpen] = useState(false);
  const phase = useAgreementPhase(agreement);
  return (
    <>
      <button type="button" className="secondary" onClick={() => setOpen(true)} aria-haspopup="dialog">
        Share
      </button>
      {open ? (
        <Suspense fallback={<span className="loading"> Opening…</span>}>
          <ShareDialog agreement={agreement} network={network} phase={phase} onClose={() => setOpen(false)} />
        </Suspense>
      ) : null}
    </>
  );
}
