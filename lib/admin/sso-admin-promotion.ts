import { and, inArray, isNotNull } from "drizzle-orm";
import { checkOnly } from "@/db/portable-sql";
import type { Executor } from "@/db";
import { users } from "@/db/schema";
import { recordAuditEvent } from "@/lib/audit";
import { signOutUserEverywhere } from "@/lib/admin/user-admin";

/*
 * OIDC_REQUIRE_MFA_FOR_ADMINS is checked when an SSO user signs in
 * (lib/auth/sso-identity.ts), against the permissions they hold then. Someone
 * who signed in with a password alone at the identity provider while holding
 * no admin permission keeps that session when they are later given one, so the
 * rule would be dodged by whoever holds the session (a phished password, an
 * unlocked laptop). Their sessions end with the change instead: the next
 * sign-in meets the rule. OWASP ASVS 5.0 V6.8.4 (the strength the identity
 * provider proved is checked for what the session can do); NIST SP
 * 800-63B-4 §2.2 (AAL2 for privileged access).
 */

/**
 * Signs out the SSO users among `newlyAdmin` (people a change gave their
 * first admin permission), in the change's transaction, and audits each.
 * Returns whom it signed out.
 */
export async function signOutSsoUsersNewlyAdmin(
  tx: Executor,
  input: { organisationId: number; actorUserId: number; newlyAdmin: number[] },
): Promise<number[]> {
  if (input.newlyAdmin.length === 0) return [];
  const ssoUsers = (
    await tx
      .select({ id: users.id })
      .from(users)
      .where(
        and(
          inArray(users.id, input.newlyAdmin),
          checkOnly(users.organisationId, input.organisationId),
          isNotNull(users.ssoSubject),
        ),
      )
  ).map((row) => row.id);
  for (const userId of ssoUsers) {
    await signOutUserEverywhere(tx, userId);
    await recordAuditEvent(tx, {
      type: "user_sessions.revoked",
      organisationId: input.organisationId,
      actorUserId: input.actorUserId,
      targetUserId: userId,
      details: { reason: "sso_admin_needs_mfa" },
    });
  }
  return ssoUsers;
}
