/**
 * `EcoshareCheckout`: a thin React component over the `<ecoshare-checkout>` element (the same code, not a
 * second checkout). Props are the element's properties; `onReady`, `onPaid` and `onFailed` receive the DOM
 * events' details.
 */
import { createElement, useEffect, useRef, type CSSProperties } from "react";

import type { EcoshareCheckoutElement, EcoshareFailedDetail, EcosharePaidDetail, EcoshareReadyDetail } from "./checkout-element";
import "./checkout-element";

export interface EcoshareCheckoutLine {
  agreement: number | bigint | string;
  amount: string;
  referrer?: string | undefined;
}

export interface EcoshareCheckoutProps {
  chainId: number;
  contract: string;
  rpcUrl?: string | undefined;
  agreement?: number | bigint | string | undefined;
  amount?: string | undefined;
  minAmount?: string | undefined;
  maxAmount?: string | undefined;
  lines?: readonly EcoshareCheckoutLine[] | undefined;
  referrer?: string | undefined;
  orderRef?: string | undefined;
  refundTo?: string | undefined;
  fromBlock?: number | bigint | string | undefined;
  onReady?: ((detail: EcoshareReadyDetail) => void) | undefined;
  onPaid?: ((detail: EcosharePaidDetail) => void) | undefined;
  onFailed?: ((detail: EcoshareFailedDetail) => void) | undefined;
  className?: string | undefined;
  style?: CSSProperties | undefined;
}

const PROPERTIES = ["chainId", "contract", "rpcUrl", "agreement", "amount", "minAmount", "maxAmount", "lines", "referrer", "orderRef", "refundTo", "fromBlock"] as const;

export function EcoshareCheckout(props: EcoshareCheckoutProps) {
  const ref = useRef<EcoshareCheckoutElement>(null);
  const handlers = useRef(props);
  handlers.current = props;

  // Properties, not attributes, so `lines` goes as an array; the element reflects each one to its attribute.
  useEffect(() => {
    const el = ref.current as unknown as Record<string, unknown> | null;
    if (!el) return;
    for (const name of PROPERTIES) {
      const value = props[name];
      el[name] = typeof value === "bigint" ? value.toString() : value;
    }
  });

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ready = (e: CustomEvent<EcoshareReadyDetail>) => handlers.current.onReady?.(e.detail);
    const paid = (e: CustomEvent<EcosharePaidDetail>) => handlers.current.onPaid?.(e.detail);
    const failed = (e: CustomEvent<EcoshareFailedDetail>) => handlers.current.onFailed?.(e.detail);
    el.addEventListener("ecoshare-ready", ready);
    el.addEventListener("ecoshare-paid", paid);
    el.addEventListener("ecoshare-failed", failed);
    return () => {
      el.removeEventListener("ecoshare-ready", ready);
      el.removeEventListener("ecoshare-paid", paid);
      el.removeEventListener("ecoshare-failed", failed);
    };
  }, []);

  return createElement("ecoshare-checkout", { ref, class: props.className, style: props.style });
}
