"use server";

import { z } from "zod";
import { getDb } from "@/db";
import { formAction } from "@/lib/action";
import { adminTarget } from "@/lib/flows/admin-change";
import { recordActorEvent } from "@/lib/audit";
import { requirePermission } from "@/lib/auth/guards";
import { sendAuthenticatorSetupLink, setupLinkEligibility } from "@/lib/two-factor/authenticator-app/setup-link";

/** "Send setup link" on a user's admin page. The admin learns where it went, never the link or a secret. */
export const sendSetupLinkAction = formAction({
  guard: () => requirePermission("users:manage"),
  sensitive: true,
  schema: z.object({ user: z.coerce.number().int().positive() }),
  async handler(input, current) {
    const db = getDb();
    // Outranking users are refused here; the eligibility below answers the rest.
    adminTarget(current, input.user, "setup_link.send", { ownAccount: "allow" });
    const eligibility = setupLinkEligibility(db, current.organisation.id, input.user);
    if (!eligibility.ok) return { status: "error", message: eligibility.reason };
    const { user } = eligibility;
    const sent = await sendAuthenticatorSetupLink(db, { user, organisationName: current.organisation.name, admin: current.user });
    recordActorEvent(db, current, sent ? "setup_link.sent" : "setup_link.delivery_failed", {
      targetUserId: user.id,
      details: { purpose: "authenticator_setup" },
    });
    if (!sent) return { status: "error", message: `The email to ${user.email} could not be sent. Try again in a moment.` };
    return { status: "success", message: `Setup link sent to ${user.email}` };
  },
});
