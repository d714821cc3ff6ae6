import { describe, expect, it } from "vitest";

import { checkNetworkProfile, EMPTY_PROFILE, MAX_INLINE_LOGO_BYTES } from "./networkProfile";
import { readMetadata } from "./networks";

const decode = (uri: string) => JSON.parse(decodeURIComponent(uri.replace(/^data:application\/json,/, ""))) as unknown;

describe("a network's profile and co-branding", () => {
  it("writes name, description, logo and colours into the metadata, leaving out what is empty", () => {
    const { errors, uri } = checkNetworkProfile({
      name: " City Stay ",
      description: "Hotels of one city",
      logo: "https://citystay.example/logo.svg",
      accent: "#0b6e4f",
      background: "",
    });
    expect(errors).toEqual({});
    expect(decode(uri!)).toEqual({ name: "City Stay", description: "Hotels of one city", logo: "https://citystay.example/logo.svg", colors: { accent: "#0b6e4f" } });
    // What the app writes, the reader (which the embedded checkout uses) keeps, whole.
    expect(readMetadata(uri!)).toEqual({ name: "City Stay", description: "Hotels of one city", logo: "https://citystay.example/logo.svg", colors: { accent: "#0b6e4f" } });
    expect(decode(checkNetworkProfile({ ...EMPTY_PROFILE, name: "Plain" }).uri!)).toEqual({ name: "Plain" });
    const inline = "data:image/svg+xml;base64,PHN2Zy8+";
    const branded = checkNetworkProfile({ ...EMPTY_PROFILE, name: "N", logo: inline, background: "#fff" }).uri!;
    expect(decode(branded)).toEqual({ name: "N", logo: inline, colors: { background: "#fff" } });
    expect(readMetadata(branded)).toEqual({ name: "N", description: undefined, logo: inline, colors: { background: "#fff" } });
  });

  it("says in plain words what is wrong with a logo", () => {
    const logo = (value: string) => checkNetworkProfile({ ...EMPTY_PROFILE, name: "N", logo: value }).errors.logo;
    expect(logo("citystay.example/logo.png")).toBe("Enter the logo as the address of an image (https://…) or a data:image/… URI.");
    expect(logo("javascript:alert(1)")).toBe("The logo's address must start with https:// (not javascript://).");
    expect(logo("ftp://citystay.example/logo.png")).toBe("The logo's address must start with https:// (not ftp://).");
    expect(logo("https://citystay.example/my logo.png")).toMatch(/^The logo's address has spaces, quotes/);
    expect(logo("data:text/html,<script>alert(1)</script>")).toBe("A data: logo must be a PNG, JPEG, GIF, WebP or SVG image (data:image/png;base64,…).");
    expect(logo(`data:image/png;base64,${"A".repeat(MAX_INLINE_LOGO_BYTES)}`)).toMatch(/^This data: logo is 8\.0 KiB; every byte of metadata costs gas, so keep it under 8 KiB/);
    expect(checkNetworkProfile({ ...EMPTY_PROFILE, name: "N", logo: "javascript:alert(1)" }).uri).toBeUndefined();
  });

  it("says in plain words what is wrong with a colour or a missing name", () => {
    const { errors, uri } = checkNetworkProfile({ ...EMPTY_PROFILE, accent: "green", background: "#12345" });
    expect(uri).toBeUndefined();
    expect(errors).toEqual({
      name: "Enter the network's name.",
      accent: "Enter the accent colour as a hex colour such as #0b6e4f (or #06f).",
      background: "Enter the background colour as a hex colour such as #0b6e4f (or #06f).",
    });
    expect(checkNetworkProfile({ ...EMPTY_PROFILE, name: "N", accent: "#0B6E4FCC" }).errors).toEqual({});
  });
});
