"use server";

import { revalidatePath } from "next/cache";
import { formAction } from "@/lib/action";
import { requireSettingsAdmin } from "@/lib/admin/settings-admin";
import { saveAuditRetention } from "@/lib/data/organisation-settings";
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
    const saved = await saveAuditRetention(current, auditRetentionDays);
    if (!saved) return { status: "success", message: "Nothing to change." };
    revalidatePath("/admin/settings");
    // lib/retention/purge.ts keeps the longer period for a while after a shortening: say so.
    const delay =
      auditRetentionDays < saved.previousDays
        ? ` Older events are deleted only from ${AUDIT_RETENTION_SHORTENING_DELAY_DAYS} days from now.`
        : "";
    return { status: "success", message: `Saved. Audit events are kept for ${auditRetentionDays} days.${delay}` };
  },
});
