"use server";

import { z } from "zod";
import { getDb } from "@/db";
import { formAction } from "@/lib/action";
import { adminTarget } from "@/lib/flows/admin-change";
import { waitText } from "@/lib/auth/attempt-limiter";
import { requirePermission } from "@/lib/auth/guards";
import { adminResetRefusal, issuePasswordResetLink, resetAccountOfUser } from "@/lib/auth/password-reset";

const NOT_FOUND = { status: "error", message: "That user does not exist." } as const;

/**
 * "Send password reset link": the same single-use link as /login/forgot,
 * emailed to the user. The administrator never sets or sees a password (ASVS
 * 5.0 V6.4.6), and the user's second factor stays as it is.
 */
export const sendPasswordResetLinkAction = formAction({
  guard: () => requirePermission("users:manage"),
  schema: z.object({ user: z.coerce.number().int().positive() }),
  async handler(input, current) {
    const db = getDb();
    // Another organisation's user is not found; one who outranks the actor is refused (403, audited).
    if (!adminTarget(current, input.user, "password_reset.send", { ownAccount: "allow" })) return NOT_FOUND;
    const account = resetAccountOfUser(db, current.organisation.id, input.user);
    if (!account) return NOT_FOUND;
    const refusal = adminResetRefusal(account);
    if (refusal) return { status: "error", message: refusal };
    const sent = await issuePasswordResetLink(db, { account, context: current.context, sentBy: current.user });
    if (sent.ok) return { status: "success", message: `Password reset link sent to ${account.email}. It works once, for 30 minutes.` };
    if (sent.reason === "delivery_failed") return { status: "error", message: `The email to ${account.email} could not be sent. Try again in a moment.` };
    return { status: "error", message: `A reset link was sent to ${account.email} recently. Try again in ${waitText(sent.retryAt ?? new Date())}.` };
  },
});
