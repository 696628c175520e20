"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { formAction } from "@/lib/action";
import { requirePermission } from "@/lib/auth/guards";
import { removePasskeyOfUser } from "@/lib/data/admin-user-changes";
import { unchangedState } from "@/lib/flows/admin-change";
import { messages } from "@/lib/messages";
import { databaseId } from "@/lib/database-id";

const id = databaseId();

/**
 * "Remove" on one of a user's passkeys (a lost device), under the same
 * permission and rank checks as resetting two-factor authentication.
 */
export const removeUserPasskeyAction = formAction({
  guard: () => requirePermission("users:manage"),
  sensitive: true,
  schema: z.object({ user: id, passkey: id }),
  async handler(input, current) {
    const result = await removePasskeyOfUser(current, { userId: input.user, passkeyId: input.passkey });
    if (!result.ok) {
      if (result.reason === "passkey_not_found") return { status: "error", message: messages.passkeyNotFound };
      return unchangedState(result);
    }
    revalidatePath(`/admin/users/${input.user}`);
    // The row, and its form's answer, are gone with the passkey: the section says it instead.
    redirect(`/admin/users/${input.user}?passkey=removed#passkeys-title`);
  },
});
