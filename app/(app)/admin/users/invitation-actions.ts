"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db";
import { formAction, type FormState } from "@/lib/action";
import { idsFromCheckboxes } from "@/lib/admin/access-model";
import { refusalToGrant } from "@/lib/admin/delegated-change";
import { adminTarget, refuse } from "@/lib/flows/admin-change";
import { recordActorEvent } from "@/lib/audit";
import { requirePermission, type CurrentSession } from "@/lib/auth/guards";
import { sendInvitationEmail } from "@/lib/invitations/invitation-email";
import { createInvitation, findPendingInvitation, issueInvitationLink, withdrawInvitation } from "@/lib/invitations/invitations";

const requireUserAdmin = () => requirePermission("users:manage");
const userId = z.coerce.number().int().positive();

const NOT_PENDING: FormState = { status: "error", message: "This user has no invitation waiting: they may have accepted it already." };

function emailTo(current: CurrentSession, to: string, link: { token: string; expiresAt: Date }): Promise<boolean> {
  return sendInvitationEmail({ to, ...link, organisationName: current.organisation.name, invitedByName: current.user.name });
}

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
    const grant = { roleIds: idsFromCheckboxes(input, "role-"), groupIds: idsFromCheckboxes(input, "group-") };
    // The page offers only roles and groups within the inviter's own permissions.
    const refusal = refusalToGrant(getDb(), current.organisation.id, current.user.id, grant);
    if (refusal) refuse(current, "invitation.send", refusal);
    const result = createInvitation(getDb(), {
      organisationId: current.organisation.id,
      invitedByUserId: current.user.id,
      email: input.email,
      ...grant,
    });
    if (!result.ok) {
      if (result.reason === "email_taken") {
        return {
          status: "error",
          message: "Please correct the highlighted fields.",
          // The same words whether the address is a colleague's or belongs to
          // another organisation on this server, which must not be revealed.
          fieldErrors: { email: "This address cannot be invited. If they already use Twofold here, find them in the list of users." },
          // The form is reset after an action: keep the ticked roles and groups.
          values: Object.fromEntries(Object.entries(input).filter(([name, value]) => /^(role|group)-\d+$/.test(name) && value === "on").concat([["email", input.email]])),
        };
      }
      return { status: "error", message: "A chosen role or group does not exist any more. Reload the page and try again." };
    }
    const delivered = await emailTo(current, result.email, result);
    recordActorEvent(getDb(), current, "invitation.sent", { targetUserId: result.userId, details: { email: result.email, delivered } });
    revalidatePath("/admin/users");
    return delivered
      ? { status: "success", message: `Invitation sent to ${result.email}.` }
      : { status: "error", message: `The invitation for ${result.email} was created but the email could not be sent. Open their page to resend it.` };
  },
});

export const resendInvitationAction = formAction({
  guard: requireUserAdmin,
  sensitive: true,
  schema: z.object({ user: userId }),
  async handler(input, current) {
    const db = getDb();
    const organisationId = current.organisation.id;
    const target = adminTarget(current, input.user, "invitation.resend", { ownAccount: "allow" });
    if (!target) return NOT_PENDING;
    // The check and the new link in one transaction: no link for someone who accepted in between.
    const sent = db.transaction((tx) => {
      const pending = findPendingInvitation(tx, organisationId, input.user);
      if (!pending) return null;
      return { email: pending.email, ...issueInvitationLink(tx, { organisationId, userId: input.user, createdByUserId: current.user.id }) };
    });
    if (!sent) return NOT_PENDING;
    const delivered = await emailTo(current, sent.email, sent);
    recordActorEvent(db, current, "invitation.resent", { targetUserId: input.user, details: { email: sent.email, delivered } });
    revalidatePath(`/admin/users/${input.user}`);
    return delivered
      ? { status: "success", message: "A new invitation was sent. Earlier links no longer work." }
      : { status: "error", message: "A new link was made but the email could not be sent. Earlier links no longer work; try again later." };
  },
});

export const withdrawInvitationAction = formAction({
  guard: requireUserAdmin,
  schema: z.object({ user: userId }),
  async handler(input, current) {
    const target = adminTarget(current, input.user, "invitation.withdraw", { ownAccount: "allow" });
    if (!target) return NOT_PENDING;
    const withdrawn = withdrawInvitation(getDb(), current.organisation.id, input.user);
    if (!withdrawn) return NOT_PENDING;
    // The user row is gone; the address keeps the event meaningful.
    recordActorEvent(getDb(), current, "invitation.withdrawn", { details: { email: withdrawn.email, userId: input.user } });
    revalidatePath("/admin/users");
    redirect("/admin/users");
  },
});
