import "server-only";
import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { users } from "@/db/schema";
import { administratorsWhoMayActOn } from "@/lib/admin/user-administrators";
import { appUrl } from "@/lib/app-url";
import { notifyUser } from "@/lib/messaging/notify";

type Person = { id: number; email: string; name: string };

/** Template "SecondFactorLocked": to the user whose second step the cap locked. */
async function tellUserOfLock(user: Person, organisation: { name: string }, failures: number): Promise<void> {
  await notifyUser(user, organisation, {
    subject: "your second sign-in step is locked",
    heading: "Your second sign-in step is locked",
    paragraphs: [
      `Your password was entered correctly, then the second step failed ${failures} times in a row, so it is locked.`,
      "To sign in, use one of your recovery codes, or ask an administrator to unlock it.",
      `Someone else may know your password: reset it at ${appUrl("/login/forgot")}`,
    ],
  });
}

/** Template "SecondFactorLockedForAdministrator": to each administrator who can unlock it. */
async function tellAdministratorOfLock(admin: Person, user: Person, organisation: { name: string }, failures: number): Promise<void> {
  await notifyUser(admin, organisation, {
    subject: `${user.name}'s second sign-in step is locked`,
    heading: "A user's second sign-in step is locked",
    paragraphs: [
      `The second step of ${user.name} (${user.email}) failed ${failures} times in a row after a correct password, so it is locked.`,
      `Check with them that it was really them, then press “Unlock” on their page: ${appUrl(`/admin/users/${user.id}`)}`,
    ],
  });
}

/**
 * Sent once, by the request whose failure set the lock (reserveFactorFailure
 * makes exactly one request the one that reaches the cap).
 */
export async function announceFactorLock(db: Db, user: Person & { organisationId: number }, organisation: { name: string }): Promise<void> {
  const failures = db.select({ failures: users.secondFactorConsecutiveFailures }).from(users).where(eq(users.id, user.id)).get()?.failures ?? 0;
  await tellUserOfLock(user, organisation, failures);
  // Only those who can press "Unlock" for this user are told.
  for (const admin of administratorsWhoMayActOn(db, user.organisationId, user.id)) await tellAdministratorOfLock(admin, user, organisation, failures);
}
