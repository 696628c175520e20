import { changedRows, type Db, type Executor } from "@/db";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { emailLinks, organisations, users } from "@/db/schema";
import { applyUserAccessChange, rolesAndGroupsOf } from "@/lib/admin/user-admin";
import { normaliseEmail } from "@/lib/auth/password-sign-in";
import { consumeEmailLink, findLiveEmailLink, insertEmailLink, revokeEmailLinks } from "@/lib/email-links";
import { pendingInvitationSql } from "@/lib/invitations/pending";
import { NAME_MAX_LENGTH } from "@/lib/name-limits";

/** How long an invitation link works. */
export const INVITATION_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

export type CreateInvitationInput = {
  organisationId: number;
  invitedByUserId: number;
  email: string;
  roleIds: number[];
  groupIds: number[];
  now?: Date;
};

export type CreateInvitationResult =
  | { ok: true; userId: number; email: string; token: string; expiresAt: Date }
  | { ok: false; reason: "email_taken" | "unknown_role_or_group" };

/** Until they choose a name, an invitee is called by the start of their address. */
export function provisionalName(email: string): string {
  return email.slice(0, email.indexOf("@")).slice(0, NAME_MAX_LENGTH) || email;
}

/** The page an invitation link opens, where the person chooses their name and password. */
export function invitationLinkPath(token: string): string {
  return `/invite/${token}`;
}

/** Whether an account, in any organisation, has this (normalised) address. */
export async function emailInUse(db: Executor, email: string): Promise<boolean> {
  // Addresses are unique across organisations (users_email_unique), so any user counts.
  return Boolean(
    (
      await db
        .select({ id: users.id })
        .from(users)
        .where(sql`lower(${users.email}) = ${email}`)
    )[0],
  );
}

/** A unique index refused the row: SQLite's code or PostgreSQL's 23505, on the error or a cause drizzle wrapped it in. */
function isUniqueViolation(error: unknown): boolean {
  for (let cause: unknown = error; cause && typeof cause === "object"; cause = (cause as { cause?: unknown }).cause) {
    const code = (cause as { code?: unknown }).code;
    if (code === "SQLITE_CONSTRAINT_UNIQUE" || code === "23505") return true;
  }
  return false;
}

/**
 * Creates the invited user (no password yet) with the chosen roles and groups
 * and their first link. Ids outside the organisation refuse the whole
 * invitation: a forged form must not reach another organisation's roles, and
 * an admin must not believe someone got a role they did not.
 */
export async function createInvitation(db: Db, input: CreateInvitationInput): Promise<CreateInvitationResult> {
  const email = normaliseEmail(input.email);
  const now = input.now ?? new Date();
  const own = await rolesAndGroupsOf(db, input.organisationId);
  const ownRoleIds = new Set(own.roles.map((role) => role.id));
  const ownGroupIds = new Set(own.groups.map((group) => group.id));
  if (!input.roleIds.every((id) => ownRoleIds.has(id)) || !input.groupIds.every((id) => ownGroupIds.has(id))) {
    return { ok: false, reason: "unknown_role_or_group" };
  }
  if (await emailInUse(db, email)) return { ok: false, reason: "email_taken" };
  try {
    return await db.transaction(async (tx) => {
      const user = (
        await tx
          .insert(users)
          .values({
            organisationId: input.organisationId,
            email,
            name: provisionalName(email),
            passwordHash: null,
            createdAt: now,
          })
          .returning({ id: users.id })
      )[0]!;
      await applyUserAccessChange(tx, input.organisationId, user.id, {
        roleIds: input.roleIds,
        groupIds: input.groupIds,
        requirement: "default",
        isApiAccount: false,
        codeDelivery: "auto",
        removeTwoFactor: false,
      });
      const link = await issueInvitationLink(tx, {
        organisationId: input.organisationId,
        userId: user.id,
        createdByUserId: input.invitedByUserId,
        now,
      });
      return { ok: true as const, userId: user.id, email, ...link };
    });
  } catch (error) {
    // Another request took the address between the check and the insert.
    if (isUniqueViolation(error)) return { ok: false, reason: "email_taken" };
    throw error;
  }
}

/**
 * A new link for a user; every earlier invitation link of theirs stops
 * working. `createdByUserId` is null when no one signed in sent it (the
 * first administrator's, from `npm run admin:create`).
 */
export async function issueInvitationLink(
  tx: Executor,
  input: { organisationId: number; userId: number; createdByUserId: number | null; lifetimeMs?: number; now?: Date },
): Promise<{ token: string; expiresAt: Date }> {
  const { lifetimeMs = INVITATION_LIFETIME_MS, ...owner } = input;
  const { token, link } = await insertEmailLink(tx, {
    ...owner,
    purpose: "invitation",
    lifetimeMs,
    revokeEarlier: true,
  });
  return { token, expiresAt: link.expiresAt };
}

export type PendingInvitation = { email: string; sentAt: Date; expiresAt: Date; expired: boolean };

/** The invitation a user of the organisation has not accepted yet, or null (accepted, or never invited). */
export async function findPendingInvitation(
  db: Executor,
  organisationId: number,
  userId: number,
  now = new Date(),
): Promise<PendingInvitation | null> {
  const user = (
    await db
      .select({ email: users.email, pending: pendingInvitationSql })
      .from(users)
      .where(and(eq(users.id, userId), eq(users.organisationId, organisationId)))
  )[0];
  if (!user?.pending) return null;
  const latest = (
    await db
      .select({ sentAt: emailLinks.createdAt, expiresAt: emailLinks.expiresAt, revokedAt: emailLinks.revokedAt })
      .from(emailLinks)
      .where(and(eq(emailLinks.userId, userId), eq(emailLinks.purpose, "invitation")))
      .orderBy(desc(emailLinks.id))
  )[0];
  if (!latest) return null;
  return {
    email: user.email,
    sentAt: latest.sentAt,
    expiresAt: latest.expiresAt,
    expired: latest.expiresAt <= now || latest.revokedAt !== null,
  };
}

/**
 * Withdraws a pending invitation: its links stop working and the user, who
 * never got a password, is deleted. Returns their address, or null when the
 * user accepted in the meantime (then nothing changes).
 */
export async function withdrawInvitation(
  db: Db,
  organisationId: number,
  userId: number,
  now = new Date(),
): Promise<{ email: string } | null> {
  return await db.transaction(async (tx) => {
    if (!(await findPendingInvitation(tx, organisationId, userId, now))) return null;
    await revokeEmailLinks(tx, { userId, purpose: "invitation" }, now);
    return (
      (
        await tx
          .delete(users)
          .where(and(eq(users.id, userId), isNull(users.passwordHash)))
          .returning({ email: users.email })
      )[0] ?? null
    );
  });
}

export type OpenInvitation = { userId: number; email: string; organisationId: number; organisationName: string };

/**
 * What a link invites to, if it still can be accepted; null for an unknown,
 * expired, revoked or used link alike. Only reads: opening the page (which
 * mail scanners do) never spends the link.
 */
export async function openInvitation(
  db: Executor,
  token: string,
  now = new Date(),
): Promise<(OpenInvitation & { linkId: number; sentAt: Date }) | null> {
  const link = await findLiveEmailLink(db, "invitation", token, now);
  if (!link) return null;
  const invitee = (
    await db
      .select({
        userId: users.id,
        email: users.email,
        organisationId: organisations.id,
        organisationName: organisations.name,
      })
      .from(users)
      .innerJoin(organisations, eq(organisations.id, users.organisationId))
      .where(and(eq(users.id, link.userId), isNull(users.passwordHash), isNull(users.disabledAt)))
  )[0];
  return invitee ? { ...invitee, linkId: link.id, sentAt: link.createdAt } : null;
}

/**
 * Spends the link and gives the invitee their name and password, at most
 * once: the link is marked used by a conditional update, so of two
 * simultaneous acceptances only one finds it unused. Null if it cannot be used.
 */
export async function acceptInvitation(
  db: Db,
  input: { token: string; name: string; passwordHash: string; now?: Date },
): Promise<{ userId: number; organisationId: number; sentAt: Date } | null> {
  const now = input.now ?? new Date();
  return await db.transaction(async (tx) => {
    const invitation = await openInvitation(tx, input.token, now);
    if (!invitation || !(await consumeEmailLink(tx, invitation.linkId, now))) return null;
    const updated = changedRows(
      await tx
        .update(users)
        .set({ name: input.name, passwordHash: input.passwordHash, passwordChangedAt: now })
        .where(and(eq(users.id, invitation.userId), isNull(users.passwordHash), isNull(users.disabledAt))),
    );
    // Given a password in the meantime: the link is spent and nothing else changes.
    return updated === 0
      ? null
      : { userId: invitation.userId, organisationId: invitation.organisationId, sentAt: invitation.sentAt };
  });
}
