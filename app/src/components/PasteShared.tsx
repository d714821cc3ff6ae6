import { useState } from "react";

/**
 * A folded box where a partner pastes something another party shared as JSON (a signed acceptance, a
 * signed counter-proposal). `onAdd` parses and stores it, throwing a sentence when the text is not valid.
 */
export function PasteShared({ summary, label, onAdd }: { summary: string; label: string; onAdd: (text: string) => void }) {
  const [text, setText] = useState("");
  const [error, setError] = useState<string>();
  return (
    <details>
      <summary>{summary}</summary>
      <label>
        {label}
        <textarea value={text} onChange={(e) => setText(e.target.value)} rows={3} />
      </label>
      <button
        type="button"
        className="secondary"
        onClick={() => {
          try {
            onAdd(text);
            setText("");
            setError(undefined);
          } catch (caught) {
            setError(caught instanceof Error ? caught.message : String(caught));
          }
        }}
      >
        Add
      </button>
      {error ? <p className="field-error">{error}</p> : null}
    </details>
  );
}
