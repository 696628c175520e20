"use server";

import { eq } from "drizzle-orm";
import { revalidatePath } from "next/cache";
import { getDb } from "@/db";
import { organisations } from "@/db/schema";
import { formAction } from "@/lib/action";
import { requireSettingsAdmin } from "@/lib/admin/settings-admin";
import { recordActorEvent } from "@/lib/audit";
import { auditRetentionSchema } from "@/lib/organisations/audit-retention";
import { AUDIT_RETENTION_SHORTENING_DELAY_DAYS } from "@/lib/retention/purge";

/**
 * "Keep audit events for (days)": guarded like every setting, and sensitive,
 * since shortening it deletes evidence at the next purge.
 */
export const updateAuditRetentionAction = formAction({
  guard: () => requireSettingsAdmin("settings.audit_retention"),
  sensitive: true,
  schema: auditRetentionSchema,
  echo: ["auditRetentionDays"],
  async handler({ auditRetentionDays }, current) {
    const db = getDb();
    const where = eq(organisations.id, current.organisation.id);
    const before = db.select({ auditRetentionDays: organisations.auditRetentionDays }).from(organisations).where(where).get()!;
    if (before.auditRetentionDays === auditRetentionDays) return { status: "success", message: "Nothing to change." };
    db.update(organisations).set({ auditRetentionDays }).where(where).run();
    recordActorEvent(db, current, "settings.updated", {
      details: { section: "audit_retention", auditRetentionDays, previousAuditRetentionDays: before.auditRetentionDays },
    });
    revalidatePath("/admin/settings");
    // lib/retention/purge.ts keeps the longer period for a while after a shortening: say so.
    const delay = auditRetentionDays < before.auditRetentionDays ? ` Older events are deleted only from ${AUDIT_RETENTION_SHORTENING_DELAY_DAYS} days from now.` : "";
    return { status: "success", message: `Saved. Audit events are kept for ${auditRetentionDays} days.${delay}` };
  },
});
