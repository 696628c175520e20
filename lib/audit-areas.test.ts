import { describe, expect, it } from "vitest";
import { AUDIT_EVENT_NAMES } from "@/lib/audit-events";
import { auditAreaOf, auditTypesByArea } from "@/lib/audit-areas";

describe("audit areas", () => {
  it.each([
    ["sign_in.failed", "sign-in"],
    ["sso_sign_in.succeeded", "sign-in"],
    ["password_reset.requested", "sign-in"],
    ["recovery_request.created", "sign-in"],
    ["sign_in_codes.enabled", "two-factor"],
    ["recovery_code.used", "two-factor"],
    ["setup_link.sent", "two-factor"],
    ["preferred_method.changed", "two-factor"],
    ["duo_bypass.refused", "two-factor"],
    ["trusted_browser.forgotten", "sessions"],
    ["user_sessions.revoked", "sessions"],
    ["organisation_sessions.revoked", "sessions"],
    ["access.refused", "access"],
    ["access_confirmation.failed", "access"],
    ["user.disabled", "users"],
    ["invitation.accepted", "users"],
    ["profile.updated", "users"],
    ["role.updated", "roles-groups"],
    ["group.deleted", "roles-groups"],
    ["settings.updated", "settings"],
    ["policy.updated", "settings"],
    ["api_token.created", "api"],
    // Names nobody has written yet land by their noun, with no edit here.
    ["sign_in.password_verified", "sign-in"],
    ["sign_in.completed", "sign-in"],
    ["passkey.added", "two-factor"],
    ["api_account.created", "api"],
    ["webhook.sent", "other"],
  ])("%s is in %s", (name, area) => {
    expect(auditAreaOf(name)).toBe(area);
  });

  it("lists every catalogued name exactly once, under its area", () => {
    const listed = auditTypesByArea().flatMap((area) => area.types.map((type) => type.name));
    expect(listed.toSorted()).toEqual([...AUDIT_EVENT_NAMES].toSorted());
    expect(auditTypesByArea().find((area) => area.id === "roles-groups")!.types[0]).toEqual({
      name: "role.created",
      label: "Role created",
    });
  });
});
