import { and, eq, inArray, isNull } from "drizzle-orm";
import type { Db, Executor } from "@/db";
import {
  apiTokens,
  groupMembers,
  groups,
  roles,
  userRoles,
  users,
  type CodeDelivery,
  type TwoFactorRequirement,
} from "@/db/schema";
import type { AccessReach } from "@/lib/admin/delegated-change";
import { withdrawPasswordResetLinks } from "@/lib/auth/password-reset-links";
import { deleteSessionsOfUser } from "@/lib/auth/sessions";
import { hasConfirmedAuthenticator, removeSecondFactors } from "@/lib/two-factor/authenticator-app/credentials";
import { forgetTrustedBrowsersOfUser } from "@/lib/two-factor/sign-in/trusted-browsers";

/** A user of the admin's own organisation, or null: other organisations' users do not exist for this admin. */
export function findUserInOrganisation(db: Db, organisationId: number, userId: number) {
  const user = db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      isApiAccount: users.isApiAccount,
      disabledAt: users.disabledAt,
      twoFactorRequirement: users.twoFactorRequirement,
      codeDelivery: users.codeDelivery,
      codesEnabledAt: users.codesEnabledAt,
      duoEnabledAt: users.duoEnabledAt,
      mobileNumber: users.mobileNumber,
      mobileVerifiedAt: users.mobileVerifiedAt,
      lastSignInAt: users.lastSignInAt,
      createdAt: users.createdAt,
      organisationId: users.organisationId,
      /** Set for users who sign in through the identity provider (SSO). */
      ssoIssuer: users.ssoIssuer,
    })
    .from(users)
    .where(and(eq(users.id, userId), eq(users.organisationId, organisationId)))
    .get();
  if (!user) return null;
  const hasTotp = hasConfirmedAuthenticator(db, userId);
  return {
    ...user,
    hasTotp,
    /** Factors the user set up themselves, which an admin can remove. */
    hasOwnFactor: hasTotp || user.codesEnabledAt !== null || user.duoEnabledAt !== null,
    roleIds: db
      .select({ id: userRoles.roleId })
      .from(userRoles)
      .where(eq(userRoles.userId, userId))
      .all()
      .map((row) => row.id),
    groupIds: db
      .select({ id: groupMembers.groupId })
      .from(groupMembers)
      .where(eq(groupMembers.userId, userId))
      .all()
      .map((row) => row.id),
  };
}

/** The organisation's roles and groups; given an actor's reach, each says whether the actor may give it. */
export function rolesAndGroupsOf(
  db: Db,
  organisationId: number,
  reach?: Pick<AccessReach, "mayGrantRole" | "mayGrantGroup">,
) {
  const allRoles = db
    .select({ id: roles.id, name: roles.name, requireTwoFactor: roles.requireTwoFactor })
    .from(roles)
    .where(eq(roles.organisationId, organisationId))
    .orderBy(roles.name)
    .all();
  const allGroups = db
    .select({ id: groups.id, name: groups.name })
    .from(groups)
    .where(eq(groups.organisationId, organisationId))
    .orderBy(groups.name)
    .all();
  return {
    roles: allRoles.map((role) => ({ ...role, grantable: reach ? reach.mayGrantRole(role.id) : true })),
    groups: allGroups.map((group) => ({ ...group, grantable: reach ? reach.mayGrantGroup(group.id) : true })),
  };
}

export type UserAccessChange = {
  roleIds: number[];
  groupIds: number[];
  requirement: TwoFactorRequirement;
  isApiAccount: boolean;
  codeDelivery: CodeDelivery;
  removeTwoFactor: boolean;
};

/**
 * Applies an admin's edit of one user. Role and group ids are kept only when
 * they belong to the organisation, so a forged form cannot reach another's.
 */
export function applyUserAccessChange(
  tx: Executor,
  organisationId: number,
  userId: number,
  change: UserAccessChange,
): { previous: { roleIds: number[]; groupIds: number[] }; roleIds: number[]; groupIds: number[] } {
  // What they held before, for the audit log's before → after.
  const previous = {
    roleIds: tx
      .select({ id: userRoles.roleId })
      .from(userRoles)
      .where(eq(userRoles.userId, userId))
      .all()
      .map((row) => row.id),
    groupIds: tx
      .select({ id: groupMembers.groupId })
      .from(groupMembers)
      .where(eq(groupMembers.userId, userId))
      .all()
      .map((row) => row.id),
  };
  const ownRoleIds = change.roleIds.length
    ? tx
        .select({ id: roles.id })
        .from(roles)
        .where(and(eq(roles.organisationId, organisationId), inArray(roles.id, change.roleIds)))
        .all()
        .map((row) => row.id)
    : [];
  const ownGroupIds = change.groupIds.length
    ? tx
        .select({ id: groups.id })
        .from(groups)
        .where(and(eq(groups.organisationId, organisationId), inArray(groups.id, change.groupIds)))
        .all()
        .map((row) => row.id)
    : [];
  tx.update(users)
    .set({
      twoFactorRequirement: change.requirement,
      isApiAccount: change.isApiAccount,
      codeDelivery: change.codeDelivery,
    })
    .where(eq(users.id, userId))
    .run();
  tx.delete(userRoles).where(eq(userRoles.userId, userId)).run();
  if (ownRoleIds.length)
    tx.insert(userRoles)
      .values(ownRoleIds.map((roleId) => ({ userId, roleId })))
      .run();
  tx.delete(groupMembers).where(eq(groupMembers.userId, userId)).run();
  if (ownGroupIds.length)
    tx.insert(groupMembers)
      .values(ownGroupIds.map((groupId) => ({ userId, groupId })))
      .run();
  if (change.removeTwoFactor) removeSecondFactors(tx, userId);
  // An API account may never use the web UI: whatever sessions it had end now.
  if (change.isApiAccount) signOutUserEverywhere(tx, userId);
  // No longer an API account: its tokens die rather than wait, forgotten, for the box to be ticked again.
  else revokeApiTokensOfUser(tx, userId);
  return { previous, roleIds: ownRoleIds, groupIds: ownGroupIds };
}

/** Revokes every live API token of a user; returns how many. */
export function revokeApiTokensOfUser(tx: Executor, userId: number, now = new Date()): number {
  return tx
    .update(apiTokens)
    .set({ revokedAt: now })
    .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .run().changes;
}

/**
 * Ends every session, forgets every remembered browser and withdraws every
 * unused password reset link of a user: whoever was in, or on the way in, is out.
 */
export function signOutUserEverywhere(tx: Executor, userId: number): number {
  forgetTrustedBrowsersOfUser(tx, userId);
  withdrawPasswordResetLinks(tx, userId);
  return deleteSessionsOfUser(tx, userId);
}
