import "server-only";
import { checkOnly } from "@/db/portable-sql";
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { users } from "@/db/schema";
import { permissionsOfUser, privilegeSnapshot } from "@/lib/admin/delegated-change";
import { pendingInvitationSql } from "@/lib/invitations/pending";
import { notifyUser } from "@/lib/messaging/notify";
import { recoveryCodeBreakGlass, recoveryCodeBreakGlassForAdministrator } from "@/lib/messaging/security-emails";

type Person = { id: number; email: string; name: string; organisationId: number };

/**
 * The organisation's administrators (enabled people holding users:manage,
 * other than `userId`): everyone who should know that someone required to
 * use a passkey signed in without one.
 */
async function userAdministrators(db: Db, organisationId: number, userId: number) {
  const snapshot = await privilegeSnapshot(db, organisationId);
  const ids = [...snapshot.people.keys()].filter(
    (id) => id !== userId && permissionsOfUser(snapshot, id).has("users:manage"),
  );
  if (ids.length === 0) return [];
  return await db
    .select({ id: users.id, email: users.email, name: users.name })
    .from(users)
    .where(
      and(
        inArray(users.id, ids),
        checkOnly(users.organisationId, organisationId),
        isNull(users.disabledAt),
        eq(users.isApiAccount, false),
        sql`not ${pendingInvitationSql}`,
      ),
    )
    .orderBy(users.id);
}

/**
 * A recovery code used by someone who must use phishing-resistant methods:
 * the break-glass way in when their passkey is lost. Each use is told to the
 * user and to every administrator (ASVS 5.0 V6.3.6: users are told of
 * security events; here the organisation's policy was bypassed, so its
 * administrators are told too). Returns how many administrators were told.
 */
export async function announceBreakGlass(
  db: Db,
  user: Person,
  organisation: { name: string },
  codesLeft: number,
): Promise<number> {
  await notifyUser(user, organisation, recoveryCodeBreakGlass({ codesLeft }));
  const administrators = await userAdministrators(db, user.organisationId, user.id);
  for (const admin of administrators) {
    await notifyUser(admin, organisation, recoveryCodeBreakGlassForAdministrator({ user }));
  }
  return administrators.length;
}
