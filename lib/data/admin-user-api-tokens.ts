import "server-only";
import { getDb } from "@/db";
import { createApiToken, revokeApiToken } from "@/lib/api/tokens";
import { recordActorEvent } from "@/lib/audit";
import type { CurrentSession } from "@/lib/auth/guards";
import { adminTarget } from "@/lib/flows/admin-change";

/* API tokens of an API account, from its admin page. Only a user of the actor's organisation; another's does not exist here. */

/** The token itself is in this answer only: it is never stored, only its hash. */
export async function createApiTokenFor(
  current: CurrentSession,
  input: { userId: number; name: string; expiresAt: Date | null },
): Promise<{ ok: true; name: string; token: string } | { ok: false; reason: "not_found" | "not_api_account" }> {
  const target = await adminTarget(current, input.userId, "api_token.create", { ownAccount: "allow" });
  if (!target) return { ok: false, reason: "not_found" };
  if (!target.isApiAccount) return { ok: false, reason: "not_api_account" };
  const created = await createApiToken(getDb(), {
    userId: target.id,
    name: input.name,
    createdByUserId: current.user.id,
    expiresAt: input.expiresAt,
  });
  await recordActorEvent(getDb(), current, "api_token.created", {
    targetUserId: target.id,
    details: {
      tokenId: created.id,
      name: input.name,
      hint: created.hint,
      expiresAt: input.expiresAt ? input.expiresAt.toISOString() : null,
    },
  });
  return { ok: true, name: input.name, token: created.token };
}

/** Revokes one of the user's tokens; a token id of anyone else revokes nothing. */
export async function revokeApiTokenOf(
  current: CurrentSession,
  input: { userId: number; tokenId: number },
): Promise<{ ok: true; name: string } | { ok: false; reason: "not_found" | "not_revocable" }> {
  const target = await adminTarget(current, input.userId, "api_token.revoke", { ownAccount: "allow" });
  if (!target) return { ok: false, reason: "not_found" };
  const revoked = await revokeApiToken(getDb(), { userId: target.id, tokenId: input.tokenId });
  if (!revoked) return { ok: false, reason: "not_revocable" };
  await recordActorEvent(getDb(), current, "api_token.revoked", {
    targetUserId: target.id,
    details: { tokenId: input.tokenId, name: revoked.name },
  });
  return { ok: true, name: revoked.name };
}
