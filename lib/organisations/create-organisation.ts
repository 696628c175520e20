import type { Executor } from "@/db";
import { organisations, PERMISSIONS, roles } from "@/db/schema";

export const ADMINISTRATOR_ROLE_NAME = "Administrator";

export type Organisation = typeof organisations.$inferSelect;

/**
 * Creates an organisation with its built-in Administrator role: every
 * permission, and two-factor authentication required, because an account
 * that decides who must use 2FA has to be at least as protected as the
 * accounts it manages: two factors, as at AAL2 of NIST SP 800-63B-4 and in
 * OWASP ASVS 5.0 V6 (6.3.3). Run it inside the caller's transaction, so the
 * organisation never exists without the role.
 */
export async function createOrganisation(
  tx: Executor,
  name: string,
  settings: Pick<typeof organisations.$inferInsert, "requiredSetupFlow"> = {},
): Promise<{ organisation: Organisation; administratorRoleId: number }> {
  // Setting up at sign-in through an emailed link by default: a password alone
  // never binds someone's first factor (NIST SP 800-63B-4 §4.1, binding: a
  // stolen password must not let its holder add their own authenticator).
  const organisation = (
    await tx
      .insert(organisations)
      .values({ name, requiredSetupFlow: "emailed_link", ...settings })
      .returning()
  )[0]!;
  const administratorRoleId = (
    await tx
      .insert(roles)
      .values({
        organisationId: organisation.id,
        name: ADMINISTRATOR_ROLE_NAME,
        permissions: [...PERMISSIONS],
        requireTwoFactor: true,
      })
      .returning({ id: roles.id })
  )[0]!.id;
  return { organisation, administratorRoleId };
}
