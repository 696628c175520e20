import "server-only";
import { eq } from "drizzle-orm";
import { getDb } from "@/db";
import { users } from "@/db/schema";
import type { FormState } from "@/lib/action";
import { recordActorEvent } from "@/lib/audit";
import { confirmCurrentPassword } from "@/lib/auth/confirm-password";
import type { CurrentSession } from "@/lib/auth/guards";
import { hashPassword } from "@/lib/auth/passwords";
import { deleteSessionOfUser, deleteSessionsOfUser, listSessionsOfUser, type SessionView } from "@/lib/auth/sessions";
import { setSignInAlerts, signInAlertsOn } from "@/lib/auth/sign-in-alert-preference";
import { forgetTrustedBrowsersOfUser } from "@/lib/two-factor/sign-in/trusted-browsers";

/*
 * The signed-in user's own account: details, password, sessions, sign-in
 * alerts. Every function acts on `current.user` only, so no id from the
 * client can reach another user's rows.
 */

/** A session as "Your sessions" shows it; the token hash is what "End session" sends back. */
export type OwnSession = Pick<SessionView, "tokenHash" | "createdAt" | "lastSeenAt" | "ip" | "userAgent">;

/** The user's password again before a sensitive change: the form error to show, or null when it is right. */
export async function confirmOwnPassword(current: CurrentSession, password: string): Promise<FormState<never> | null> {
  return confirmCurrentPassword(getDb(), current.user, password, current.context);
}

export async function updateOwnName(current: CurrentSession, name: string): Promise<void> {
  const db = getDb();
  await db.update(users).set({ name }).where(eq(users.id, current.user.id));
  await recordActorEvent(db, current, "profile.updated", { targetUserId: current.user.id });
}

/** Sets the new password; returns how many other sessions were signed out. */
export async function changeOwnPassword(current: CurrentSession, newPassword: string): Promise<number> {
  const { user, session } = current;
  const db = getDb();
  const newHash = await hashPassword(newPassword);
  const signedOut = await db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash: newHash, passwordChangedAt: new Date() }).where(eq(users.id, user.id));
    // Whoever knew the old password may hold a session or a remembered
    // browser: end every session but this one, and forget every browser.
    await forgetTrustedBrowsersOfUser(tx, user.id);
    return deleteSessionsOfUser(tx, user.id, { exceptTokenHash: session.tokenHash });
  });
  await recordActorEvent(db, current, "password.changed", {
    targetUserId: user.id,
    details: { otherSessionsEnded: signedOut },
  });
  return signedOut;
}

export async function listOwnSessions(current: CurrentSession): Promise<OwnSession[]> {
  return (await listSessionsOfUser(getDb(), current.user.id)).map(
    ({ tokenHash, createdAt, lastSeenAt, ip, userAgent }) => ({
      tokenHash,
      createdAt,
      lastSeenAt,
      ip,
      userAgent,
    }),
  );
}

/** Ends another session of the user's own; false when it had already ended. */
export async function endOwnSession(current: CurrentSession, tokenHash: string): Promise<boolean> {
  const db = getDb();
  if (!(await deleteSessionOfUser(db, current.user.id, tokenHash))) return false;
  await recordActorEvent(db, current, "session.revoked", { targetUserId: current.user.id });
  return true;
}

export async function ownSignInAlertsOn(current: CurrentSession): Promise<boolean> {
  return signInAlertsOn(getDb(), current.user.id);
}

export async function saveOwnSignInAlerts(current: CurrentSession, on: boolean): Promise<void> {
  const db = getDb();
  await setSignInAlerts(db, current.user.id, on);
  await recordActorEvent(db, current, "profile.updated", {
    targetUserId: current.user.id,
    details: { signInAlerts: on },
  });
}
