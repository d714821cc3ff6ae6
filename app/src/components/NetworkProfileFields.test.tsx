// @vitest-environment jsdom
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it } from "vitest";

import { checkNetworkProfile, EMPTY_PROFILE } from "../lib/networkProfile";
import { NetworkProfileFields } from "./NetworkProfileFields";

/** The fields as the create and edit forms use them: checked on every keystroke. */
function Form({ onUri }: { onUri: (uri: string | undefined) => void }) {
  const [draft, setDraft] = useState(EMPTY_PROFILE);
  const checked = checkNetworkProfile(draft);
  onUri(checked.uri);
  return <NetworkProfileFields draft={draft} errors={checked.errors} onChange={setDraft} />;
}

describe("<NetworkProfileFields />", () => {
  it("shows a bad colour's and a bad logo's error under its field, and the metadata once they read", async () => {
    const user = userEvent.setup();
    let uri: string | undefined;
    render(<Form onUri={(u) => (uri = u)} />);
    await user.type(screen.getByLabelText("Name"), "City Stay");
    await user.type(screen.getByLabelText("Accent colour (optional)"), "wine red");
    await user.type(screen.getByLabelText("Logo (optional)"), "logo.png");
    const accent = screen.getByLabelText("Accent colour (optional)");
    expect(accent.getAttribute("aria-invalid")).toBe("true");
    expect(document.getElementById(accent.getAttribute("aria-describedby")!)!.textContent).toBe("Enter the accent colour as a hex colour such as #0b6e4f (or #06f).");
    expect(screen.getByText("Enter the logo as the address of an image (https://…) or a data:image/… URI.")).toBeTruthy();
    expect(uri).toBeUndefined();

    await user.clear(accent);
    await user.type(accent, "#7a2e3a");
    await user.clear(screen.getByLabelText("Logo (optional)"));
    await user.type(screen.getByLabelText("Logo (optional)"), "https://citystay.example/logo.svg");
    expect(accent.getAttribute("aria-invalid")).toBe("false");
    expect(JSON.parse(decodeURIComponent(uri!.replace("data:application/json,", "")))).toEqual({
      name: "City Stay",
      logo: "https://citystay.example/logo.svg",
      colors: { accent: "#7a2e3a" },
    });
  });
});
