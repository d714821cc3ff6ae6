import { describe, expect, it } from "vitest";

import { MemberRole, MemberStatus } from "./enums";
import { memberCountText, metadataURI, readMetadata } from "./networks";

const member = (status: MemberStatus) => ({ role: MemberRole.Vendor, status, awaitsReinstatement: false });

describe("a network's member count in words (issue 13, point 9)", () => {
  it("says a new network has no members yet instead of 0 active members", () => {
    expect(memberCountText({ members: new Map() })).toBe("no members yet");
    expect(memberCountText({ members: new Map([["0x1", member(MemberStatus.Pending)]]) as never })).toBe("no active member yet, 1 waiting for admission");
    expect(
      memberCountText({ members: new Map([["0x1", member(MemberStatus.Active)], ["0x2", member(MemberStatus.Active)], ["0x3", member(MemberStatus.Suspended)]]) as never }),
    ).toBe("2 active members");
  });
});

describe("a network's metadata (co-branding for the embedded checkout)", () => {
  const uri = (json: unknown) => `data:application/json,${encodeURIComponent(JSON.stringify(json))}`;

  it("reads name, description, logo and colours from a data: JSON document", () => {
    const logo = "data:image/svg+xml;base64,PHN2Zy8+";
    expect(readMetadata(uri({ name: "City Stay", description: "Hotels", logo, colors: { accent: "#0a7c66", background: "#f4fbf9" } }))).toEqual({
      name: "City Stay",
      description: "Hotels",
      logo,
      colors: { accent: "#0a7c66", background: "#f4fbf9" },
    });
    expect(readMetadata(metadataURI("Plain"))).toEqual({ name: "Plain", description: undefined });
    expect(readMetadata("ipfs://whatever")).toEqual({ name: "ipfs://whatever" });
  });

  it("drops a logo that is no image URL and a colour that is no hex colour, since both end up in the page", () => {
    const read = readMetadata(uri({ name: "X", logo: "javascript:alert(1)", colors: { accent: "red;} :host{display:none", background: "#fff" } }));
    expect(read.logo).toBeUndefined();
    expect(read.colors).toEqual({ background: "#fff" });
    expect(readMetadata(uri({ name: "X", logo: 'https://x.example/a.png") ;', colors: "blue" }))).toEqual({ name: "X", description: undefined });
  });
});
