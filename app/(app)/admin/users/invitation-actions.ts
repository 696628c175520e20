"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { formAction, type FormState } from "@/lib/action";
import { idsFromCheckboxes } from "@/lib/admin/access-model";
import { requirePermission } from "@/lib/auth/guards";
import { inviteUser, resendInvitation, withdrawInvitation } from "@/lib/data/invitations";
import { fieldError } from "@/lib/messages";
import { databaseId } from "@/lib/database-id";

const requireUserAdmin = () => requirePermission("users:manage");
const userId = databaseId();

const NOT_PENDING: FormState = {
  status: "error",
  message: "This user has no invitation waiting: they may have accepted it already.",
};

export const inviteAction = formAction({
  guard: requireUserAdmin,
  sensitive: true,
  schema: z
    .object({
      email: z
        .string()
        .trim()
        .min(1, { error: "Enter the email address to invite." })
        .max(254, { error: "That email address is too long." })
        .pipe(z.email({ error: "Enter an email address like name@example.com." })),
    })
    // role-<id> and group-<id> checkboxes.
    .catchall(z.string().max(8)),
  echo: ["email"],
  async handler(input, current) {
    // The page offers only roles and groups within the inviter's own permissions.
    const result = await inviteUser(current, {
      email: input.email,
      roleIds: idsFromCheckboxes(input, "role-"),
      groupIds: idsFromCheckboxes(input, "group-"),
    });
    if (!result.ok) {
      if (result.reason === "email_taken") {
        return fieldError(
          "email",
          // The same words whether the address is a colleague's or belongs to
          // another organisation on this server, which must not be revealed.
          "This address cannot be invited. If they already use Twofold here, find them in the list of users.",
          // The form is reset after an action: keep the ticked roles and groups.
          Object.fromEntries(
            Object.entries(input)
              .filter(([name, value]) => /^(role|group)-\d+$/.test(name) && value === "on")
              .concat([["email", input.email]]),
          ),
        );
      }
      return {
        status: "error",
        message: "A chosen role or group does not exist any more. Reload the page and try again.",
      };
    }
    revalidatePath("/admin/users");
    return result.delivered
      ? { status: "success", message: `Invitation sent to ${result.email}.` }
      : {
          status: "error",
          message: `The invitation for ${result.email} was created but the email could not be sent. Open their page to resend it.`,
        };
  },
});

export const resendInvitationAction = formAction({
  guard: requireUserAdmin,
  sensitive: true,
  schema: z.object({ user: userId }),
  async handler(input, current) {
    const result = await resendInvitation(current, input.user);
    if (!result.ok) return NOT_PENDING;
    revalidatePath(`/admin/users/${input.user}`);
    return result.delivered
      ? { status: "success", message: "A new invitation was sent. Earlier links no longer work." }
      : {
          status: "error",
          message:
            "A new link was made but the email could not be sent. Earlier links no longer work; try again later.",
        };
  },
});

export const withdrawInvitationAction = formAction({
  guard: requireUserAdmin,
  schema: z.object({ user: userId }),
  async handler(input, current) {
    const result = await withdrawInvitation(current, input.user);
    if (!result.ok) return NOT_PENDING;
    revalidatePath("/admin/users");
    redirect("/admin/users");
  },
});
