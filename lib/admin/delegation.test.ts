import { describe, expect, it } from "vitest";
import type { Permission } from "@/db/schema";
import { isFullAdministrator, mayActOn, mayChangeAccess, missingPermissions } from "@/lib/admin/delegation";

const FULL: Permission[] = ["users:read", "users:manage", "roles:manage", "settings:manage", "audit:read"];
const HELPDESK: Permission[] = ["users:read", "users:manage"];
const ROLE_KEEPER: Permission[] = ["roles:manage"];
const AUDITOR: Permission[] = ["users:read", "audit:read"];
const MEMBER: Permission[] = [];

const set = (permissions: Permission[]) => new Set(permissions);

describe("act only at or below your rank", () => {
  // actor, target, outcome (null: allowed): written out, not computed.
  const table: Array<[string, Permission[], Permission[], "allowed" | "above_rank"]> = [
    ["a full administrator on another full administrator", FULL, FULL, "allowed"],
    ["a full administrator on a helpdesk user", FULL, HELPDESK, "allowed"],
    ["a full administrator on a member", FULL, MEMBER, "allowed"],
    ["a helpdesk user on a member", HELPDESK, MEMBER, "allowed"],
    ["a helpdesk user on another helpdesk user", HELPDESK, HELPDESK, "allowed"],
    ["a helpdesk user on someone who only reads users", HELPDESK, ["users:read"], "allowed"],
    ["a helpdesk user on a full administrator", HELPDESK, FULL, "above_rank"],
    ["a helpdesk user on an auditor (audit:read is not theirs)", HELPDESK, AUDITOR, "above_rank"],
    ["a helpdesk user on a role keeper", HELPDESK, ROLE_KEEPER, "above_rank"],
    ["a role keeper on a helpdesk user", ROLE_KEEPER, HELPDESK, "above_rank"],
    ["an auditor on a helpdesk user", AUDITOR, HELPDESK, "above_rank"],
    ["a member on a member", MEMBER, MEMBER, "allowed"],
    ["a member on a helpdesk user", MEMBER, HELPDESK, "above_rank"],
  ];
  it.each(table)("%s: %s", (_name, actor, target, expected) => {
    expect(mayActOn(set(actor), set(target))?.reason ?? "allowed").toBe(expected);
  });
});

describe("grant only what you hold", () => {
  // actor; everyone affected before; after; what the edited role or group carries; outcome.
  const table: Array<
    [string, Permission[], Permission[], Permission[], Permission[], "allowed" | "above_rank" | "exceeds_grant"]
  > = [
    ["a helpdesk user ticks Administrator on their own account", HELPDESK, HELPDESK, FULL, [], "exceeds_grant"],
    ["a helpdesk user gives a member the helpdesk role", HELPDESK, MEMBER, HELPDESK, [], "allowed"],
    ["a helpdesk user gives a member Administrator", HELPDESK, MEMBER, FULL, [], "exceeds_grant"],
    ["a helpdesk user removes a full administrator's role", HELPDESK, FULL, MEMBER, [], "above_rank"],
    [
      "a role keeper adds users:manage to a role they hold",
      ROLE_KEEPER,
      ROLE_KEEPER,
      ["roles:manage", "users:manage"],
      ["roles:manage", "users:manage"],
      "exceeds_grant",
    ],
    [
      "a role keeper adds settings:manage to a role nobody holds",
      ROLE_KEEPER,
      MEMBER,
      MEMBER,
      ["settings:manage"],
      "exceeds_grant",
    ],
    [
      "a role keeper attaches Administrator to a group they are in",
      ROLE_KEEPER,
      ROLE_KEEPER,
      FULL,
      FULL,
      "exceeds_grant",
    ],
    [
      "a role keeper adds themselves to a group carrying Administrator",
      ROLE_KEEPER,
      ROLE_KEEPER,
      FULL,
      [],
      "exceeds_grant",
    ],
    ["a role keeper edits a role that a full administrator holds", ROLE_KEEPER, FULL, FULL, MEMBER, "above_rank"],
    ["a role keeper makes a members' role require 2FA", ROLE_KEEPER, MEMBER, MEMBER, MEMBER, "allowed"],
    ["a role keeper gives their own permission to a new role", ROLE_KEEPER, MEMBER, MEMBER, ROLE_KEEPER, "allowed"],
    ["a full administrator makes someone a full administrator", FULL, MEMBER, FULL, FULL, "allowed"],
    ["a full administrator removes their own roles", FULL, FULL, MEMBER, [], "allowed"],
    [
      "anyone removes a permission from a role only they hold",
      HELPDESK,
      HELPDESK,
      ["users:read"],
      ["users:read"],
      "allowed",
    ],
  ];
  it.each(table)("%s", (_name, actor, before, after, carried, expected) => {
    const refusal = mayChangeAccess({
      actor: set(actor),
      affectedBefore: set(before),
      affectedAfter: set(after),
      carried: set(carried),
    });
    expect(refusal?.reason ?? "allowed").toBe(expected);
  });
});

describe("permission sets", () => {
  it("names what the actor lacks in the catalogue's order", () => {
    expect(missingPermissions(set(HELPDESK), ["audit:read", "settings:manage", "users:read"])).toEqual([
      "settings:manage",
      "audit:read",
    ]);
    expect(missingPermissions(set(FULL), FULL)).toEqual([]);
  });

  it("calls only the holder of every permission a full administrator", () => {
    expect(isFullAdministrator(set(FULL))).toBe(true);
    expect(isFullAdministrator(set(["users:read", "users:manage", "roles:manage", "settings:manage"]))).toBe(false);
    expect(isFullAdministrator(set(HELPDESK))).toBe(false);
  });
});
