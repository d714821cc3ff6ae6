/** The proposal form's "Who may refer customers" choice: the terms' `referrerRoles` mask (lib/referrerRoles.ts). */
import { REFERRER_ROLE_CHOICES } from "../lib/referrerRoles";

export function ReferrerRolesField({ value, onChange, error }: { value: string | undefined; onChange: (value: string) => void; error?: string | undefined }) {
  return (
    <label>
      Who may refer customers
      <select value={value ?? "0"} onChange={(e) => onChange(e.target.value)} aria-invalid={Boolean(error)} data-testid="referrer-roles">
        {REFERRER_ROLE_CHOICES.map((choice) => (
          <option key={choice.value} value={String(choice.value)}>
            {choice.text}
          </option>
        ))}
      </select>
      <small>Only active members in these roles can be named as referrer; the contract refuses a payment naming anyone else.</small>
      {error ? <small className="field-error">{error}</small> : null}
    </label>
  );
}
