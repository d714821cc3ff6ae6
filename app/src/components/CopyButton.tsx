/** A button that copies `text` to the clipboard, saying so, or saying how to copy by hand when the browser refuses. */
import { useEffect, useState } from "react";

export function CopyButton({ text, what }: { text: string; what: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => setState("idle"), [text]);
  return (
    <>
      <button
        type="button"
        className="secondary"
        onClick={() => {
          navigator.clipboard.writeText(text).then(
            () => setState("copied"),
            () => setState("failed"),
          );
        }}
      >
        {state === "copied" ? "Copied" : `Copy ${what}`}
      </button>
      {state === "failed" ? (
        <small className="field-error" role="status">
          This browser refused to copy: select the {what} and copy it by hand.
        </small>
      ) : null}
    </>
  );
}
