import "server-only";
import { getDb } from "@/db";
import { createApiAccount } from "@/lib/admin/api-accounts";
import { refusalToGrant } from "@/lib/admin/delegated-change";
import { rolesAndGroupsOf } from "@/lib/admin/user-admin";
import { recordActorEvent } from "@/lib/audit";
import type { CurrentSession } from "@/lib/auth/guards";
import { refuse } from "@/lib/flows/admin-change";

/**
 * "New API account": a service account in the actor's organisation, with
 * roles and groups the actor may give (lib/admin/delegation.ts). Anything
 * beyond is a forgery, since the form offers only those: 403, audited.
 */
export async function createApiAccountFor(
  current: CurrentSession,
  input: { name: string; roleIds: number[]; groupIds: number[] },
): Promise<{ id: number }> {
  const db = getDb();
  const organisationId = current.organisation.id;
  const grant = { roleIds: input.roleIds, groupIds: input.groupIds };
  const refusal = await refusalToGrant(db, organisationId, current.user.id, grant);
  if (refusal) await refuse(current, "api_account.create", refusal);
  const created = await db.transaction(
    async (tx) => await createApiAccount(tx, { organisationId, name: input.name, ...grant }),
  );
  // The ids actually given (this organisation's): the audit log shows them by name (lib/audit-log-changes.ts).
  const { roles, groups } = await rolesAndGroupsOf(db, organisationId);
  const idsAmong = (all: Array<{ id: number }>, ids: number[]) =>
    all
      .filter((item) => ids.includes(item.id))
      .map((item) => item.id)
      .join(",");
  await recordActorEvent(db, current, "api_account.created", {
    targetUserId: created.id,
    details: {
      name: input.name,
      email: created.email,
      roles: idsAmong(roles, input.roleIds),
      groups: idsAmong(groups, input.groupIds),
    },
  });
  return { id: created.id };
}
