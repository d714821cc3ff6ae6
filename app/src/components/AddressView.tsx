import { useState } from "react";
import type { Address } from "viem";

import { shortAddress } from "../lib/format";

/** A shortened address, its full value on hover, with a button that copies it. */
export function AddressView({ address, label }: { address: Address; label?: string | undefined }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(address);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      setCopied(false);
    }
  };
  return (
    <span className="address">
      {label ? <span className="address-label">{label} </span> : null}
      <code title={address}>{shortAddress(address)}</code>
      <button type="button" className="copy" onClick={copy} aria-label={`Copy address ${address}`}>
        {copied ? "Copied" : "Copy"}
      </button>
    </span>
  );
}
