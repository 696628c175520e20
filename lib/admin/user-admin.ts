import { changedRows, type Db, type Executor } from "@/db";
import { and, eq, inArray, isNull } from "drizzle-orm";
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
import { deletePasskeysOfUser } from "@/lib/admin/user-passkeys";
import { passkeyCount } from "@/lib/webauthn/passkeys";

/** A user of the admin's own organisation, or null: other organisations' users do not exist for this admin. */
export async function findUserInOrganisation(db: Db, organisationId: number, userId: number) {
  const user = (
    await db
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
  )[0];
  if (!user) return null;
  const hasTotp = await hasConfirmedAuthenticator(db, userId);
  return {
    ...user,
    hasTotp,
    /** Factors the user set up themselves, which an admin can remove: passkeys too (review L2). */
    hasOwnFactor:
      hasTotp || user.codesEnabledAt !== null || user.duoEnabledAt !== null || (await passkeyCount(db, userId)) > 0,
    roleIds: (await db.select({ id: userRoles.roleId }).from(userRoles).where(eq(userRoles.userId, userId))).map(
      (row) => row.id,
    ),
    groupIds: (
      await db.select({ id: groupMembers.groupId }).from(groupMembers).where(eq(groupMembers.userId, userId))
    ).map((row) => row.id),
  };
}

/** The organisation's roles and groups; given an actor's reach, each says whether the actor may give it. */
export async function rolesAndGroupsOf(
  db: Db,
  organisationId: number,
  reach?: Pick<AccessReach, "mayGrantRole" | "mayGrantGroup">,
) {
  const allRoles = await db
    .select({ id: roles.id, name: roles.name, requireTwoFactor: roles.requireTwoFactor })
    .from(roles)
    .where(eq(roles.organisationId, organisationId))
    .orderBy(roles.name);
  const allGroups = await db
    .select({ id: groups.id, name: groups.name })
    .from(groups)
    .where(eq(groups.organisationId, organisationId))
    .orderBy(groups.name);
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
export async function applyUserAccessChange(
  tx: Executor,
  organisationId: number,
  userId: number,
  change: UserAccessChange,
): Promise<{
  previous: { roleIds: number[]; groupIds: number[] };
  roleIds: number[];
  groupIds: number[];
  /** The passkeys removed with the other factors when two-factor was turned off. */
  passkeysRemoved: Array<{ id: number; name: string }>;
}> {
  // What they held before, for the audit log's before → after.
  const previous = {
    roleIds: (await tx.select({ id: userRoles.roleId }).from(userRoles).where(eq(userRoles.userId, userId))).map(
      (row) => row.id,
    ),
    groupIds: (
      await tx.select({ id: groupMembers.groupId }).from(groupMembers).where(eq(groupMembers.userId, userId))
    ).map((row) => row.id),
  };
  const ownRoleIds = change.roleIds.length
    ? (
        await tx
          .select({ id: roles.id })
          .from(roles)
          .where(and(eq(roles.organisationId, organisationId), inArray(roles.id, change.roleIds)))
      ).map((row) => row.id)
    : [];
  const ownGroupIds = change.groupIds.length
    ? (
        await tx
          .select({ id: groups.id })
          .from(groups)
          .where(and(eq(groups.organisationId, organisationId), inArray(groups.id, change.groupIds)))
      ).map((row) => row.id)
    : [];
  await tx
    .update(users)
    .set({
      twoFactorRequirement: change.requirement,
      isApiAccount: change.isApiAccount,
      codeDelivery: change.codeDelivery,
    })
    .where(eq(users.id, userId));
  await tx.delete(userRoles).where(eq(userRoles.userId, userId));
  if (ownRoleIds.length) await tx.insert(userRoles).values(ownRoleIds.map((roleId) => ({ userId, roleId })));
  await tx.delete(groupMembers).where(eq(groupMembers.userId, userId));
  if (ownGroupIds.length) await tx.insert(groupMembers).values(ownGroupIds.map((groupId) => ({ userId, groupId })));
  // "Turned off" must be true: a passkey left on a lost device would still sign in, as a second step and without a
  // password (review L2), so the passkeys go with the other factors, as in a reset.
  let passkeysRemoved: Array<{ id: number; name: string }> = [];
  if (change.removeTwoFactor) {
    await removeSecondFactors(tx, userId);
    passkeysRemoved = await deletePasskeysOfUser(tx, userId);
  }
  // An API account may never use the web UI: whatever sessions it had end now.
  if (change.isApiAccount) await signOutUserEverywhere(tx, userId);
  // No longer an API account: its tokens die rather than wait, forgotten, for the box to be ticked again.
  else await revokeApiTokensOfUser(tx, userId);
  return { previous, roleIds: ownRoleIds, groupIds: ownGroupIds, passkeysRemoved };
}

/** Revokes every live API token of a user; returns how many. */
export async function revokeApiTokensOfUser(tx: Executor, userId: number, now = new Date()): Promise<number> {
  return changedRows(
    await tx
      .update(apiTokens)
      .set({ revokedAt: now })
      .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt))),
  );
}

/**
 * Ends every session, forgets every remembered browser and withdraws every
 * unused password reset link of a user: whoever was in, or on the way in, is out.
 */
export async function signOutUserEverywhere(tx: Executor, userId: number): Promise<number> {
  await forgetTrustedBrowsersOfUser(tx, userId);
  await withdrawPasswordResetLinks(tx, userId);
  return await deleteSessionsOfUser(tx, userId);
}
