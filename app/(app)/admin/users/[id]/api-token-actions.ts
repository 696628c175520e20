"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { formAction, type FormState } from "@/lib/action";
import { TOKEN_EXPIRY_CHOICES, tokenExpiry } from "@/lib/api/token-expiry";
import { API_TOKEN_NAME_MAX_LENGTH } from "@/lib/api/tokens";
import { requirePermission } from "@/lib/auth/guards";
import { createApiTokenFor, revokeApiTokenOf } from "@/lib/data/admin-user-api-tokens";
import { USER_NOT_FOUND } from "@/lib/flows/admin-change";
import { viewerTimeZone } from "@/lib/flows/viewer-time-zone";
import { fieldError } from "@/lib/messages";
import { databaseId } from "@/lib/database-id";

const requireUserAdmin = () => requirePermission("users:manage");
const id = databaseId();

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
    // Absent (a client from before expiry existed): never, as createApiToken's default; anything else is refused.
    expires: z.enum(TOKEN_EXPIRY_CHOICES, { error: "Choose when the token expires." }).default("never"),
    expiresOn: z.string().trim().max(20, "Enter the date as a day, month and year.").optional(),
  }),
  echo: ["name", "expires", "expiresOn"],
  async handler(input, current): Promise<FormState<CreatedApiToken>> {
    // A date is a day where the admin lives: the token works until that day ends there.
    const expiry = tokenExpiry({ choice: input.expires, date: input.expiresOn }, new Date(), await viewerTimeZone());
    if (!expiry.ok)
      return fieldError("expiresOn", expiry.error, {
        name: input.name,
        expires: input.expires,
        expiresOn: input.expiresOn ?? "",
      });
    const created = await createApiTokenFor(current, {
      userId: input.user,
      name: input.name,
      expiresAt: expiry.expiresAt,
    });
    if (!created.ok)
      return created.reason === "not_found"
        ? USER_NOT_FOUND
        : { status: "error", message: "Tokens can be created only for API accounts." };
    revalidatePath(`/admin/users/${input.user}`);
    return {
      status: "success",
      message: `Token “${created.name}” created.`,
      data: { name: created.name, token: created.token },
    };
  },
});

export const revokeApiTokenAction = formAction({
  guard: requireUserAdmin,
  schema: z.object({ user: id, token: id }),
  async handler(input, current) {
    const revoked = await revokeApiTokenOf(current, { userId: input.user, tokenId: input.token });
    if (!revoked.ok)
      return revoked.reason === "not_found"
        ? USER_NOT_FOUND
        : { status: "error", message: "That token does not exist or is already revoked." };
    revalidatePath(`/admin/users/${input.user}`);
    return { status: "success", message: `Token “${revoked.name}” revoked.` };
  },
});
