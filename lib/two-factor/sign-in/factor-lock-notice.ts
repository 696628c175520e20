import "server-only";
import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { users } from "@/db/schema";
import { administratorsWhoMayActOn } from "@/lib/admin/user-administrators";
import { notifyUser } from "@/lib/messaging/notify";
import { secondFactorLocked, secondFactorLockedForAdministrator } from "@/lib/messaging/security-emails";

type Person = { id: number; email: string; name: string };

/**
 * Sent once, by the request whose failure set the lock (reserveFactorFailure
 * makes exactly one request the one that reaches the cap).
 */
export async function announceFactorLock(
  db: Db,
  user: Person & { organisationId: number },
  organisation: { name: string },
): Promise<void> {
  const failures =
    (await db.select({ failures: users.secondFactorConsecutiveFailures }).from(users).where(eq(users.id, user.id)))[0]
      ?.failures ?? 0;
  await notifyUser(user, organisation, secondFactorLocked({ failures }));
  // Only those who can press "Unlock" for this user are told.
  for (const admin of await administratorsWhoMayActOn(db, user.organisationId, user.id)) {
    await notifyUser(admin, organisation, secondFactorLockedForAdministrator({ user, failures }));
  }
}
