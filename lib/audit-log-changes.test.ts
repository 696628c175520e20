import { describe, expect, it } from "vitest";
import { describeAuditDetails, referencedIds, type ResolvedNames } from "@/lib/audit-log-changes";

const names: ResolvedNames = {
  role: new Map([
    [3, "Helpdesk"],
    [4, "Auditors"],
  ]),
  group: new Map([[7, "Night shift"]]),
  user: new Map([[11, "Ana Lima (ana@example.test)"]]),
};
const permissionLabels = { "users:read": "Read users", "audit:read": "Read the audit log" };

describe("audit event details as an administrator reads them", () => {
  it("a role change reads before → after, with the role's name and permissions in words", () => {
    const details = {
      role: 3,
      name: "Helpdesk",
      previousName: "Support",
      permissions: "users:read,audit:read",
      previousPermissions: "users:read",
      requireTwoFactor: true,
      previousRequireTwoFactor: false,
    };
    expect(describeAuditDetails("role.updated", details, names, permissionLabels)).toEqual([
      { label: "Role", after: "Helpdesk" },
      { label: "Name", before: "Support", after: "Helpdesk" },
      { label: "Permissions", before: "Read users", after: "Read users, Read the audit log" },
      { label: "Requires two-factor", before: "no", after: "yes" },
    ]);
  });

  it("a deleted role reads as the name the event recorded, once", () => {
    expect(describeAuditDetails("role.deleted", { role: 9, name: "Temps" }, names, permissionLabels)).toEqual([
      { label: "Role", after: "Temps" },
    ]);
  });

  it("groups, their roles and members by name; an id that no longer resolves by number", () => {
    expect(describeAuditDetails("group.updated", { group: 7, roles: "3,4,99", previousRoles: "" }, names, {})).toEqual([
      { label: "Group", after: "Night shift" },
      { label: "Roles", before: "none", after: "Helpdesk, Auditors, #99" },
    ]);
    expect(describeAuditDetails("group.updated", { group: 7, added: 11 }, names, {})).toEqual([
      { label: "Group", after: "Night shift" },
      { label: "Added", after: "Ana Lima (ana@example.test)" },
    ]);
  });

  it("from/to and previousX pairs, and the rest as label: value", () => {
    expect(describeAuditDetails("policy.updated", { from: "optional", to: "required" }, names, {})).toEqual([
      { label: "Two-factor policy", before: "optional", after: "required" },
    ]);
    expect(
      describeAuditDetails(
        "settings.updated",
        { section: "audit_retention", auditRetentionDays: 30, previousAuditRetentionDays: 90 },
        names,
        {},
      ),
    ).toEqual([
      { label: "Section", after: "audit_retention" },
      { label: "Audit retention days", before: "90", after: "30" },
    ]);
    expect(describeAuditDetails("access.refused", { reason: "own_account", sessionsEnded: null }, names, {})).toEqual([
      { label: "Reason", after: "own_account" },
      { label: "Sessions ended", after: "none" },
    ]);
  });

  it("collects every referenced id by kind, previous values included", () => {
    const ids = referencedIds([{ role: 3, previousRoles: "4,5" }, null, { group: 7, removed: 11, reason: "x" }]);
    expect(ids).toEqual({ role: new Set([3, 4, 5]), group: new Set([7]), user: new Set([11]) });
  });
});
