import { z } from "zod";

import { AUDIT_RETENTION_BOUNDS } from "@/lib/organisations/audit-retention-bounds";

export { AUDIT_RETENTION_BOUNDS };

const { min, max } = AUDIT_RETENTION_BOUNDS;

export const auditRetentionSchema = z.object({
  // An empty field is no number, not zero.
  auditRetentionDays: z.preprocess(
    (value) => (typeof value === "string" && value.trim() === "" ? undefined : value),
    z.coerce
      .number({ error: "Enter a number of days." })
      .int({ error: "Enter a whole number of days." })
      .min(min, { error: `Keep audit events for at least ${min} days, so there is time to look into what happened.` })
      .max(max, { error: `Use at most ${max} days (ten years).` }),
  ),
});
