import { useState, type ReactNode } from "react";

export interface ConfirmActionProps {
  /** The button that asks: "Refund 0.4 ETH". */
  label: string;
  /** What will happen, in full, shown before anything is sent. */
  question: ReactNode;
  /** The button that does it: "Yes, refund 0.4 ETH". */
  confirmLabel: string;
  onConfirm: () => void;
  disabled?: boolean;
  className?: string;
}

/**
 * A button for an act that cannot be undone (a refund, a termination): the first click only asks, naming
 * what will happen and to whom; the act needs a second, explicit click.
 */
export function ConfirmAction({ label, question, confirmLabel, onConfirm, disabled, className = "danger" }: ConfirmActionProps) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" className={className} disabled={disabled} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <div className="confirm" role="group" aria-label={label} data-testid="confirm">
      <p>{question}</p>
      <button
        type="button"
        className={className}
        disabled={disabled}
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {confirmLabel}
      </button>{" "}
      <button type="button" className="secondary" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </div>
  );
}
