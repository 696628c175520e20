"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { formAction, type FormState } from "@/lib/action";
import { adminTarget } from "@/lib/flows/admin-change";
import { API_TOKEN_NAME_MAX_LENGTH, createApiToken, revokeApiToken } from "@/lib/api/tokens";
import { recordActorEvent } from "@/lib/audit";
import { requirePermission } from "@/lib/auth/guards";

const requireUserAdmin = () => requirePermission("users:manage");
const id = z.coerce.number().int().positive();

/** What the form shows once, right after creating: the token itself is never stored. */
export type CreatedApiToken = { name: string; token: string };

export const createApiTokenAction = formAction({
  guard: requireUserAdmin,
  sensitive: true,
  schema: z.object({
    user: id,
    name: z
      .string()
      .trim()
      .min(1, "Enter a name for the token, such as the program that will use it.")
      .max(API_TOKEN_NAME_MAX_LENGTH, `Keep the name under ${API_TOKEN_NAME_MAX_LENGTH} characters.`),
  }),
  echo: ["name"],
  async handler(input, current): Promise<FormState<CreatedApiToken>> {
    // Only a user of the admin's own organisation; another's does not exist here.
    const target = adminTarget(current, input.user, "api_token.create", { ownAccount: "allow" });
    if (!target) return { status: "error", message: "That user does not exist." };
    if (!target.isApiAccount) return { status: "error", message: "Tokens can be created only for API accounts." };
    const created = createApiToken(getDb(), { userId: target.id, name: input.name, createdByUserId: current.user.id });
    recordActorEvent(getDb(), current, "api_token.created", { targetUserId: target.id, details: { tokenId: created.id, name: input.name, hint: created.hint } });
    revalidatePath(`/admin/users/${target.id}`);
    return { status: "success", message: `Token “${input.name}” created.`, data: { name: input.name, token: created.token } };
  },
});

export const revokeApiTokenAction = formAction({
  guard: requireUserAdmin,
  schema: z.object({ user: id, token: id }),
  async handler(input, current) {
    const target = adminTarget(current, input.user, "api_token.revoke", { ownAccount: "allow" });
    if (!target) return { status: "error", message: "That user does not exist." };
    const revoked = revokeApiToken(getDb(), { userId: target.id, tokenId: input.token });
    if (!revoked) return { status: "error", message: "That token does not exist or is already revoked." };
    recordActorEvent(getDb(), current, "api_token.revoked", { targetUserId: target.id, details: { tokenId: input.token, name: revoked.name } });
    revalidatePath(`/admin/users/${target.id}`);
    return { status: "success", message: `Token “${revoked.name}” revoked.` };
  },
});
