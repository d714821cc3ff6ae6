import { describe, expect, it } from "vitest";

import { MemberRole } from "./enums";
import { allowedRoleNames, describeReferrerRoles, mayRefer, REFERRER_ROLE_CHOICES } from "./referrerRoles";

describe("who may refer under an agreement", () => {
  it("lets any role refer when the mask is 0, and only the named roles otherwise", () => {
    for (const role of [MemberRole.Vendor, MemberRole.ReferralPartner, MemberRole.Distributor]) expect(mayRefer(0, role)).toBe(true);
    const partnersOnly = 1 << MemberRole.ReferralPartner;
    expect(mayRefer(partnersOnly, MemberRole.ReferralPartner)).toBe(true);
    expect(mayRefer(partnersOnly, MemberRole.Vendor)).toBe(false);
    expect(mayRefer(partnersOnly, MemberRole.Distributor)).toBe(false);
    expect(allowedRoleNames(partnersOnly)).toEqual(["referral partners"]);
  });

  it("offers every valid mask once, in words", () => {
    const values = REFERRER_ROLE_CHOICES.map((c) => c.value);
    expect(new Set(values).size).toBe(values.length);
    expect(values.every((v) => v >= 0 && v <= 7)).toBe(true);
    expect(describeReferrerRoles(2)).toBe("Referral partners only");
    expect(describeReferrerRoles(7)).toMatch(/Any role/);
    expect(describeReferrerRoles(9)).toBe("Invalid (9)");
  });
});
