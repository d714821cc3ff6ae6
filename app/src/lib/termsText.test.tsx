// @vitest-environment jsdom
import { render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";

import { ErrorBoundary } from "../components/ErrorBoundary";
import { inputFromTerms } from "./termsForm";
import { termsTextOf } from "./termsText";
import { terms } from "./issue13.fixtures";

describe("terms URIs are untrusted input (issue 13, point 8)", () => {
  it("decodes inline text, and shows a broken encoding as written instead of throwing", () => {
    expect(termsTextOf("data:text/plain,Caf%C3%A9%20deals")).toEqual({ inline: "Café deals", shown: "Café deals" });
    expect(() => decodeURIComponent("%E0%A4%A")).toThrow();
    expect(termsTextOf("data:text/plain,50%%20off%E0%A4%A")).toEqual({ inline: undefined, shown: "50%%20off%E0%A4%A", undecodable: true });
    expect(termsTextOf("ipfs://bafy")).toEqual({ inline: undefined, shown: "ipfs://bafy" });
  });

  it("prefills a counter to such terms with the URI itself, so countering keeps them unchanged", () => {
    const input = inputFromTerms(terms(6000, { termsURI: "data:text/plain,%E0%A4%A" }), 18, String);
    expect([input.termsText, input.termsURI]).toEqual(["", "data:text/plain,%E0%A4%A"]);
  });

  it("an error boundary keeps the rest of the page when one part cannot be shown", () => {
    const quiet = vi.spyOn(console, "error").mockImplementation(() => {});
    const Broken = () => {
      throw new URIError("URI malformed");
    };
    render(
      <main>
        <h1>Agreement #9</h1>
        <ErrorBoundary what="the negotiation">
          <Broken />
        </ErrorBoundary>
        <button type="button">Terminate</button>
      </main>,
    );
    expect(screen.getByRole("alert").textContent).toMatch(/^The app could not show the negotiation\. URI malformed/);
    expect(screen.getByRole("heading", { name: "Agreement #9" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Terminate" })).toBeTruthy();
    quiet.mockRestore();
  });
});
