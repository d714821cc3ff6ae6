import { describe, expect, it } from "vitest";

import { MemberRole, MemberStatus } from "./enums";
import { memberCountText } from "./networks";

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
