"use server";

import { eq } from "drizzle-orm";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db";
import { organisations } from "@/db/schema";
import { formAction } from "@/lib/action";
import { recordAuditEvent } from "@/lib/audit";
import { requirePermission } from "@/lib/auth/guards";
import { MAX_SESSION_DURATION_DAYS } from "@/lib/auth/cookie-definitions";
import { deleteSessionsOfOrganisation } from "@/lib/auth/sessions";
import { forgetTrustedBrowsersOfOrganisation } from "@/lib/two-factor/trusted-browsers";

const requireSettingsAdmin = () => requirePermission("settings:manage");

export const updateSessionSettingsAction = formAction({
  guard: requireSettingsAdmin,
  schema: z.object({
    sessionDurationDays: z.coerce
      .number({ error: "Enter a number of days." })
      .int({ error: "Enter a whole number of days." })
      .min(1, { error: "Sessions last at least 1 day." })
      .max(MAX_SESSION_DURATION_DAYS, { error: `Sessions last at most ${MAX_SESSION_DURATION_DAYS} days.` }),
  }),
  echo: ["sessionDurationDays"],
  async handler({ sessionDurationDays }, { user, organisation, context }) {
    const db = getDb();
    db.update(organisations).set({ sessionDurationDays }).where(eq(organisations.id, organisation.id)).run();
    recordAuditEvent(db, {
      type: "settings.updated",
      organisationId: organisation.id,
      actorUserId: user.id,
      context,
      details: { sessionDurationDays, previousSessionDurationDays: organisation.sessionDurationDays },
    });
    revalidatePath("/admin/settings");
    return { status: "success", message: "Settings saved. New sessions will last " + sessionDurationDays + " days." };
  },
});

export const signOutAllUsersAction = formAction({
  guard: requireSettingsAdmin,
  schema: z.object({
    confirm: z.literal("yes", { error: "Tick the box to confirm that everyone, you included, will be signed out." }),
  }),
  async handler(_input, { user, organisation, context }) {
    const db = getDb();
    // A breach response: remembered browsers must ask for the second factor again too.
    const ended = db.transaction((tx) => {
      forgetTrustedBrowsersOfOrganisation(tx, organisation.id);
      return deleteSessionsOfOrganisation(tx, organisation.id);
    });
    recordAuditEvent(db, {
      type: "sessions.revoked_all",
      organisationId: organisation.id,
      actorUserId: user.id,
      context,
      details: { sessionsEnded: ended },
    });
    // The admin's own session is gone too.
    redirect("/login");
  },
});
