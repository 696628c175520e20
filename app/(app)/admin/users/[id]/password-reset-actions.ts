"use server";

import { z } from "zod";
import { formAction } from "@/lib/action";
import { requirePermission } from "@/lib/auth/guards";
import { sendPasswordResetLink } from "@/lib/data/admin-user-links";
import { USER_NOT_FOUND } from "@/lib/flows/admin-change";
import { inMinutes } from "@/lib/messages";
import { databaseId } from "@/lib/database-id";

/**
 * "Send password reset link": the same single-use link as /login/forgot,
 * emailed to the user. The administrator never sets or sees a password (ASVS
 * 5.0 V6.4.6), and the user's second factor stays as it is.
 */
export const sendPasswordResetLinkAction = formAction({
  guard: () => requirePermission("users:manage"),
  schema: z.object({ user: databaseId() }),
  async handler(input, current) {
    const sent = await sendPasswordResetLink(current, input.user);
    if (sent.ok)
      return {
        status: "success",
        message: `Password reset link sent to ${sent.email}. It works once, for 30 minutes.`,
      };
    switch (sent.reason) {
      case "not_found":
        return USER_NOT_FOUND;
      case "refused":
        return { status: "error", message: sent.message };
      case "delivery_failed":
        return { status: "error", message: `The email to ${sent.email} could not be sent. Try again in a moment.` };
      case "too_soon":
        return {
          status: "error",
          message: `A reset link was sent to ${sent.email} recently. Try again in ${inMinutes(sent.retryAt)}.`,
        };
    }
  },
});
