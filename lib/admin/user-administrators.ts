import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { checkOnly } from "@/db/portable-sql";
import type { Executor } from "@/db";
import { users } from "@/db/schema";
import { permissionsOfUser, privilegeSnapshot } from "@/lib/admin/delegated-change";
import { mayActOn } from "@/lib/admin/delegation";
import { pendingInvitationSql } from "@/lib/invitations/pending";

export type Administrator = { id: number; email: string; name: string };

/**
 * The people to ask for help with `targetUserId`'s account (a locked second
 * step, a recovery request): enabled members who hold users:manage and may
 * act on that user under the escalation rules (lib/admin/delegation.ts,
 * OWASP ASVS 5.0 V8.2.2). A helpdesk administrator who could not press
 * "Unlock" or "Reset two-factor authentication" for this user is not asked;
 * nor is the user themselves, an API account, or someone whose invitation
 * is still pending: none of them could act on it.
 */
export async function administratorsWhoMayActOn(
  db: Executor,
  organisationId: number,
  targetUserId: number,
): Promise<Administrator[]> {
  const snapshot = await privilegeSnapshot(db, organisationId);
  const target = permissionsOfUser(snapshot, targetUserId);
  const ids = [...snapshot.people.keys()].filter((id) => {
    if (id === targetUserId) return false;
    const held = permissionsOfUser(snapshot, id);
    return held.has("users:manage") && mayActOn(held, target) === null;
  });
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
