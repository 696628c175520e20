import { randomBytes } from "node:crypto";
import type { Executor } from "@/db";
import { users } from "@/db/schema";
import { applyUserAccessChange } from "@/lib/admin/user-admin";

/**
 * Addresses under ".invalid" (RFC 2606) can never receive mail: an API
 * account needs a unique address for the users table, never a mailbox.
 */
export const API_ACCOUNT_EMAIL_DOMAIN = "api-accounts.invalid";

/** "Billing sync" → "billing-sync.3f9a1c@api-accounts.invalid": readable in lists, unique by its random part. */
export function apiAccountEmail(name: string, random = randomBytes(4).toString("hex")): string {
  const slug = name
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return `${slug || "api-account"}.${random}@${API_ACCOUNT_EMAIL_DOMAIN}`;
}

/**
 * Creates a service account in the organisation: an API account from the
 * start, with no password and no invitation, so nobody can sign in to the web
 * interface as it and no email goes to a bot's address. Role and group ids
 * outside the organisation are dropped by applyUserAccessChange; the caller
 * has already checked the actor may grant the rest.
 */
export async function createApiAccount(
  tx: Executor,
  input: { organisationId: number; name: string; roleIds: number[]; groupIds: number[]; now?: Date },
): Promise<{ id: number; email: string }> {
  const email = apiAccountEmail(input.name);
  const user = (
    await tx
      .insert(users)
      .values({
        organisationId: input.organisationId,
        email,
        name: input.name,
        passwordHash: null,
        isApiAccount: true,
        ...(input.now ? { createdAt: input.now } : {}),
      })
      .returning({ id: users.id })
  )[0]!;
  await applyUserAccessChange(tx, input.organisationId, user.id, {
    roleIds: input.roleIds,
    groupIds: input.groupIds,
    requirement: "default",
    isApiAccount: true,
    codeDelivery: "auto",
    removeTwoFactor: false,
  });
  return { id: user.id, email };
}
