/**
 * The network profile's fields (create and edit forms): name, description, and the co-branding the
 * embedded checkout shows, with each field's plain error under it (lib/networkProfile.ts).
 */
import { useId } from "react";

import type { NetworkProfileDraft, NetworkProfileField } from "../lib/networkProfile";

export interface NetworkProfileFieldsProps {
  draft: NetworkProfileDraft;
  errors: Partial<Record<NetworkProfileField, string>>;
  onChange: (draft: NetworkProfileDraft) => void;
}

const FIELDS: { field: NetworkProfileField; label: string; placeholder: string; hint?: string }[] = [
  { field: "name", label: "Name", placeholder: "City Stay" },
  { field: "description", label: "Description", placeholder: "Hotels, airlines and agents of one city" },
  { field: "logo", label: "Logo (optional)", placeholder: "https://citystay.example/logo.svg", hint: "An image address (https://…) or a small data:image/… URI; the embedded checkout shows it." },
  { field: "accent", label: "Accent colour (optional)", placeholder: "#0b6e4f", hint: "The checkout's buttons and highlights." },
  { field: "background", label: "Background colour (optional)", placeholder: "#ffffff", hint: "The checkout's background." },
];

export function NetworkProfileFields({ draft, errors, onChange }: NetworkProfileFieldsProps) {
  const id = useId();
  return (
    <>
      {FIELDS.map(({ field, label, placeholder, hint }) => (
        <div className="field" key={field}>
          <label>
            {label}
            <input
              value={draft[field]}
              onChange={(e) => onChange({ ...draft, [field]: e.target.value })}
              placeholder={placeholder}
              required={field === "name"}
              aria-invalid={Boolean(errors[field])}
              aria-describedby={`${id}-${field}`}
            />
          </label>
          <small id={`${id}-${field}`} className={errors[field] ? "field-error" : undefined}>
            {errors[field] ?? hint}
          </small>
        </div>
      ))}
    </>
  );
}
