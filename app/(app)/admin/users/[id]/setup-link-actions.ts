"use server";

import { z } from "zod";
import { formAction } from "@/lib/action";
import { requirePermission } from "@/lib/auth/guards";
import { sendSetupLink } from "@/lib/data/admin-user-links";
import { databaseId } from "@/lib/database-id";

/** "Send setup link" on a user's admin page. The admin learns where it went, never the link or a secret. */
export const sendSetupLinkAction = formAction({
  guard: () => requirePermission("users:manage"),
  sensitive: true,
  schema: z.object({ user: databaseId() }),
  async handler(input, current) {
    const sent = await sendSetupLink(current, input.user);
    if (sent.ok) return { status: "success", message: `Setup link sent to ${sent.email}` };
    if (sent.reason === "refused") return { status: "error", message: sent.message };
    // Only bulk sends pass a replay window; here a new link always replaces the last.
    if (sent.reason === "too_soon") return { status: "error", message: `A setup link was just sent to ${sent.email}.` };
    return { status: "error", message: `The email to ${sent.email} could not be sent. Try again in a moment.` };
  },
});
