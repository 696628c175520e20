import { and, count, eq, inArray, sql } from "drizzle-orm";
import { queryRows, type Db, type Executor } from "@/db";
import { groups, roles, users, type Permission } from "@/db/schema";
import {
  isFullAdministrator,
  mayActOn,
  mayChangeAccess,
  missingPermissions,
  type PermissionSet,
  type Refusal,
} from "@/lib/admin/delegation";
import { signOutSsoUsersNewlyAdmin } from "@/lib/admin/sso-admin-promotion";
import { ssoAdminsNeedMfa } from "@/lib/env";
import { pendingInvitationSql } from "@/lib/invitations/pending";
import { recordRequirementChanges, type RequirementScope } from "@/lib/two-factor/policy/requirement-starts";
import { roleRequiresPhishingResistantSql, roleRequiresTwoFactorSql } from "@/lib/two-factor/policy/user-state";
import { checkOnly, jsonArrayLength } from "@/db/portable-sql";

/*
 * The database side of lib/admin/delegation.ts: who holds what in one
 * organisation, and every change of roles, groups or memberships run so that
 * it is undone when it breaks a delegation rule or leaves no full administrator.
 */

type Person = { roleIds: Set<number>; groupIds: Set<number> };

/**
 * The organisation's roles and, for everyone who holds at least one
 * permission, the roles they hold (directly or through a group) and the
 * groups they are in. People without permissions cannot outrank anyone, so
 * they are left out: the snapshot stays small however many members there are.
 */
export type PrivilegeSnapshot = {
  rolePermissions: Map<number, Permission[]>;
  people: Map<number, Person>;
};

type LinkRow = { user_id: number; role_id: number | null; group_id: number | null };

export async function privilegeSnapshot(db: Executor, organisationId: number): Promise<PrivilegeSnapshot> {
  const rolePermissions = new Map(
    (
      await db
        .select({ id: roles.id, permissions: roles.permissions })
        .from(roles)
        .where(eq(roles.organisationId, organisationId))
    ).map((role) => [role.id, role.permissions] as const),
  );
  // Only people holding a role that carries a permission are read, found
  // through the role indexes, so the cost follows the number of privileged
  // people, not of members. Every link is checked against the organisation
  // (roles, groups and users alike): a row pointing elsewhere counts for nothing.
  const links = await queryRows<LinkRow>(
    db,
    sql`
    with "privileged_roles" as (
      select "id" from "roles" where "organisation_id" = ${organisationId} and ${jsonArrayLength(sql`"permissions"`)} > 0
    ), "privileged" as (
      select "user_id" from "user_roles" where "role_id" in (select "id" from "privileged_roles")
      union
      select "group_members"."user_id" from "group_roles"
        join "group_members" on "group_members"."group_id" = "group_roles"."group_id"
        where "group_roles"."role_id" in (select "id" from "privileged_roles")
    )
    select "user_roles"."user_id", "user_roles"."role_id", null as "group_id"
      from "user_roles"
      join "roles" on "roles"."id" = "user_roles"."role_id" and "roles"."organisation_id" = ${organisationId}
      join "users" on "users"."id" = "user_roles"."user_id" and "users"."organisation_id" = ${organisationId}
      where "user_roles"."user_id" in (select "user_id" from "privileged")
    union all
    select "group_members"."user_id", "roles"."id", "groups"."id"
      from "group_members"
      join "groups" on "groups"."id" = "group_members"."group_id" and "groups"."organisation_id" = ${organisationId}
      join "users" on "users"."id" = "group_members"."user_id" and "users"."organisation_id" = ${organisationId}
      left join "group_roles" on "group_roles"."group_id" = "groups"."id"
      left join "roles" on "roles"."id" = "group_roles"."role_id" and "roles"."organisation_id" = ${organisationId}
      where "group_members"."user_id" in (select "user_id" from "privileged")
  `,
  );
  const people = new Map<number, Person>();
  for (const link of links) {
    const person = people.get(link.user_id) ?? { roleIds: new Set(), groupIds: new Set() };
    if (link.role_id !== null) person.roleIds.add(link.role_id);
    if (link.group_id !== null) person.groupIds.add(link.group_id);
    people.set(link.user_id, person);
  }
  return { rolePermissions, people };
}

/** What the given roles carry together. */
export function permissionsOfRoles(snapshot: PrivilegeSnapshot, roleIds: Iterable<number>): Set<Permission> {
  const held = new Set<Permission>();
  for (const roleId of roleIds)
    for (const permission of snapshot.rolePermissions.get(roleId) ?? []) held.add(permission);
  return held;
}

/** A user's permissions: none for someone the snapshot does not list. */
export function permissionsOfUser(snapshot: PrivilegeSnapshot, userId: number): Set<Permission> {
  return permissionsOfRoles(snapshot, snapshot.people.get(userId)?.roleIds ?? []);
}

/** Who a change touches: named people, everyone holding a role, everyone in a group. */
export type Affected = { userIds?: number[]; roleId?: number; groupId?: number };

/** Everything the affected people hold, together. */
export function permissionsOfAffected(snapshot: PrivilegeSnapshot, affected: Affected): Set<Permission> {
  const held = new Set<Permission>();
  for (const [userId, person] of snapshot.people) {
    const touched =
      affected.userIds?.includes(userId) ||
      (affected.roleId !== undefined && person.roleIds.has(affected.roleId)) ||
      (affected.groupId !== undefined && person.groupIds.has(affected.groupId));
    if (touched) for (const permission of permissionsOfUser(snapshot, userId)) held.add(permission);
  }
  return held;
}

/**
 * Enabled, non-API accounts that can sign in (a password or SSO, and not a
 * pending invitation) and hold every permission, through this organisation's
 * roles. The organisation must always keep one. Read from the snapshot, so
 * only the few privileged people are looked at, however many members there are.
 */
export async function countFullAdministrators(
  db: Executor,
  organisationId: number,
  given?: PrivilegeSnapshot,
): Promise<number> {
  const snapshot = given ?? (await privilegeSnapshot(db, organisationId));
  const holders = [...snapshot.people.keys()].filter((userId) =>
    isFullAdministrator(permissionsOfUser(snapshot, userId)),
  );
  if (holders.length === 0) return 0;
  const row = (
    await db
      .select({ count: count() })
      .from(users)
      .where(
        and(
          inArray(users.id, holders),
          checkOnly(users.organisationId, organisationId),
          sql`${users.disabledAt} is null`,
          eq(users.isApiAccount, false),
          sql`("users"."password_hash" is not null or "users"."sso_subject" is not null)`,
          sql`not ${pendingInvitationSql}`,
        ),
      )
  )[0];
  return row?.count ?? 0;
}

export const LAST_ADMINISTRATOR_MESSAGE =
  "This would leave the organisation without a full administrator who can sign in.";

export type DelegatedOutcome<T> =
  | { ok: true; value: T }
  | { ok: false; refusal: Refusal }
  | { ok: false; lastAdministrator: true }
  /** The change would stop the actor's own roles requiring 2FA: nobody lowers their own protection. */
  | { ok: false; ownTwoFactorLowered: true }
  /** A named person, role or group left the organisation (or was deleted) since the request was read. */
  | { ok: false; notFound: true };

/** Carries an outcome out of a transaction, undoing it. */
class Undo extends Error {
  constructor(readonly outcome: DelegatedOutcome<never>) {
    super("change undone");
  }
}

/**
 * Runs a change of roles, groups, memberships or account state, and undoes
 * it when the actor may not make it (mayChangeAccess, on the people it
 * affects before and after) or when it leaves no full administrator. Both
 * are decided on what the transaction sees, so two racing changes cannot
 * each pass on the other's stale state.
 */
export async function delegatedChange<T>(
  db: Db,
  input: {
    organisationId: number;
    actorUserId: number;
    affected: Affected;
    /** The role or group being edited or deleted, whose contents before and after must be within the actor's permissions. */
    edited?: { roleId: number } | { groupId: number };
    change: (tx: Executor) => Promise<T>;
  },
): Promise<DelegatedOutcome<T>> {
  try {
    return await db.transaction(
      async (tx) => {
        if (!(await stillThere(tx, input.organisationId, input.affected.userIds ?? [], input.edited)))
          throw new Undo({ ok: false, notFound: true });
        const before = await privilegeSnapshot(tx, input.organisationId);
        const actor = permissionsOfUser(before, input.actorUserId);
        const affectedBefore = permissionsOfAffected(before, input.affected);
        const administratorsBefore = await countFullAdministrators(tx, input.organisationId, before);
        const actorRequiredBefore = await rolesRequireTwoFactor(tx, input.actorUserId);
        // Before and after: an edit may not take away, nor a deletion remove, what the actor could not give.
        const carriedBefore = await carriedBy(tx, before, input.organisationId, input.edited);
        const value = await input.change(tx);
        // A requirement to use 2FA that this change starts or ends is recorded
        // with it, in this transaction: the grace period runs from now
        // (lib/two-factor/requirement-starts.ts). A change naming people
        // reaches only them; a role or group, those who hold it.
        await recordRequirementChanges(tx, input.organisationId, { scope: requirementScopeOf(input.affected) });
        const after = await privilegeSnapshot(tx, input.organisationId);
        const refusal = mayChangeAccess({
          actor,
          affectedBefore,
          affectedAfter: permissionsOfAffected(after, input.affected),
          carried: new Set([...carriedBefore, ...(await carriedBy(tx, after, input.organisationId, input.edited))]),
        });
        if (refusal) throw new Undo({ ok: false, refusal });
        // An organisation that has no full administrator already (its roles
        // predate a permission, say) can still act: only losing the last one is refused.
        if (administratorsBefore > 0 && (await countFullAdministrators(tx, input.organisationId, after)) === 0)
          throw new Undo({ ok: false, lastAdministrator: true });
        if ((await rolesRequireTwoFactor(tx, input.actorUserId)) < actorRequiredBefore)
          throw new Undo({ ok: false, ownTwoFactorLowered: true });
        // Sessions opened without the identity provider's MFA must not become an administrator's (lib/admin/sso-admin-promotion.ts).
        if (ssoAdminsNeedMfa()) {
          const newlyAdmin = [...after.people.keys()].filter(
            (userId) => permissionsOfUser(after, userId).size > 0 && permissionsOfUser(before, userId).size === 0,
          );
          await signOutSsoUsersNewlyAdmin(tx, {
            organisationId: input.organisationId,
            actorUserId: input.actorUserId,
            newlyAdmin,
          });
        }
        return { ok: true as const, value };
      },
      { behavior: "immediate" },
    );
  } catch (error) {
    if (error instanceof Undo) return error.outcome;
    throw error;
  }
}

/** Whom a change may newly require 2FA of (see recordRequirementChanges). */
function requirementScopeOf(affected: Affected): RequirementScope {
  if (affected.roleId !== undefined) return { roleId: affected.roleId };
  if (affected.groupId !== undefined) return { groupId: affected.groupId };
  return { userIds: affected.userIds ?? [] };
}

/** Whether the people, role or group a change names still exist in the organisation, as the transaction sees it. */
async function stillThere(
  tx: Executor,
  organisationId: number,
  userIds: number[],
  edited: { roleId: number } | { groupId: number } | undefined,
): Promise<boolean> {
  const people = userIds.length
    ? (
        await tx
          .select({ id: users.id })
          .from(users)
          .where(and(inArray(users.id, userIds), checkOnly(users.organisationId, organisationId)))
      ).length
    : 0;
  if (people !== new Set(userIds).size) return false;
  if (!edited) return true;
  const table = "roleId" in edited ? roles : groups;
  const id = "roleId" in edited ? edited.roleId : edited.groupId;
  return Boolean(
    (
      await tx
        .select({ id: table.id })
        .from(table)
        .where(and(eq(table.id, id), eq(table.organisationId, organisationId)))
    )[0],
  );
}

/** Whether a role the user holds, directly or through a group, requires 2FA. */
/**
 * How much the user's roles require of their second factor: 0 nothing, 1
 * two-factor authentication, 2 phishing-resistant methods only. An
 * administrator may not lower their own (another administrator can).
 */
async function rolesRequireTwoFactor(db: Executor, userId: number): Promise<number> {
  const row = (
    await db
      .select({ required: roleRequiresTwoFactorSql, phishingResistant: roleRequiresPhishingResistantSql })
      .from(users)
      .where(eq(users.id, userId))
  )[0];
  if (row?.phishingResistant) return 2;
  return row?.required ? 1 : 0;
}

async function carriedBy(
  tx: Executor,
  snapshot: PrivilegeSnapshot,
  organisationId: number,
  edited: { roleId: number } | { groupId: number } | undefined,
): Promise<PermissionSet> {
  if (!edited) return new Set();
  if ("roleId" in edited) return permissionsOfRoles(snapshot, [edited.roleId]);
  return permissionsOfRoles(snapshot, await rolesOfGroup(tx, organisationId, edited.groupId));
}

/** The ids of the roles a group of the organisation carries. */
export async function rolesOfGroup(db: Executor, organisationId: number, groupId: number): Promise<number[]> {
  const rows = await queryRows<{ role_id: number }>(
    db,
    sql`select "group_roles"."role_id" from "group_roles" join "groups" on "groups"."id" = "group_roles"."group_id"
      where "groups"."id" = ${groupId} and "groups"."organisation_id" = ${organisationId}`,
  );
  return rows.map((row) => row.role_id);
}

/**
 * Whether `actorUserId` may change what applies to everyone in the
 * organisation (its 2FA policy, methods, Duo keys, signing everyone out):
 * that acts on every member, so it needs the rank to act on each of them.
 */
export async function refusalToActOnEveryone(
  db: Executor,
  organisationId: number,
  actorUserId: number,
): Promise<Refusal | null> {
  const snapshot = await privilegeSnapshot(db, organisationId);
  const everyone = new Set([...snapshot.people.keys()].flatMap((userId) => [...permissionsOfUser(snapshot, userId)]));
  return mayActOn(permissionsOfUser(snapshot, actorUserId), everyone);
}

/** Whether `actorUserId` may act on `targetUserId` (both of the organisation): null, or why not. */
export async function refusalToActOn(
  db: Executor,
  organisationId: number,
  actorUserId: number,
  targetUserId: number,
): Promise<Refusal | null> {
  const snapshot = await privilegeSnapshot(db, organisationId);
  return mayActOn(permissionsOfUser(snapshot, actorUserId), permissionsOfUser(snapshot, targetUserId));
}

/** Whether `actorUserId` may give someone new these roles and groups (an invitation): null, or why not. */
export async function refusalToGrant(
  db: Executor,
  organisationId: number,
  actorUserId: number,
  grant: { roleIds: number[]; groupIds: number[] },
): Promise<Refusal | null> {
  const snapshot = await privilegeSnapshot(db, organisationId);
  const groupRoleIds = await Promise.all(grant.groupIds.map((groupId) => rolesOfGroup(db, organisationId, groupId)));
  const roleIds = [...grant.roleIds, ...groupRoleIds.flat()];
  return mayChangeAccess({
    actor: permissionsOfUser(snapshot, actorUserId),
    affectedBefore: new Set(),
    affectedAfter: permissionsOfRoles(snapshot, roleIds),
  });
}

/**
 * What an actor may do with each role, group and person of the organisation,
 * for the admin pages to offer only that (the actions decide again).
 */
export async function accessReach(db: Executor, organisationId: number, actorUserId: number) {
  const snapshot = await privilegeSnapshot(db, organisationId);
  const actor = permissionsOfUser(snapshot, actorUserId);
  const rolesByGroup = new Map<number, number[]>();
  const links = await queryRows<{ group_id: number; role_id: number }>(
    db,
    sql`select "group_roles"."group_id", "group_roles"."role_id" from "group_roles"
      join "groups" on "groups"."id" = "group_roles"."group_id" where "groups"."organisation_id" = ${organisationId}`,
  );
  for (const link of links) rolesByGroup.set(link.group_id, [...(rolesByGroup.get(link.group_id) ?? []), link.role_id]);
  const within = (permissions: Iterable<Permission>) => missingPermissions(actor, permissions).length === 0;
  const mayGrantRole = (roleId: number) => within(permissionsOfRoles(snapshot, [roleId]));
  const mayGrantGroup = (groupId: number) => within(permissionsOfRoles(snapshot, rolesByGroup.get(groupId) ?? []));
  return {
    actor,
    /** The permissions someone holds, directly or through groups. */
    permissionsOf: (userId: number) => permissionsOfUser(snapshot, userId),
    mayActOn: (userId: number) => within(permissionsOfUser(snapshot, userId)),
    mayGrantRole,
    mayGrantGroup,
    mayEditRole: (roleId: number) => mayGrantRole(roleId) && within(permissionsOfAffected(snapshot, { roleId })),
    mayEditGroup: (groupId: number) => mayGrantGroup(groupId) && within(permissionsOfAffected(snapshot, { groupId })),
  };
}

export type AccessReach = Awaited<ReturnType<typeof accessReach>>;
