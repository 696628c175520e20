import { z } from "zod";
import { DEFAULT_AUDIT_RETENTION_DAYS } from "@/db/schema";

/*
 * How long an organisation keeps its audit events (lib/retention/purge.ts
 * deletes older ones every hour). OWASP ASVS 5.0 sets no number: 16.1.1 asks
 * that how long logs are kept be documented, 16.3 that they serve
 * investigations, 14.2.7 that personal data be deleted once out of date.
 * The floor of 90 days lets an investigation always reach back a quarter
 * (an account takeover is often found weeks later); the ceiling of ten years
 * keeps the number sane. The default stays a year.
 */
export const AUDIT_RETENTION_BOUNDS = { min: 90, max: 3650, default: DEFAULT_AUDIT_RETENTION_DAYS } as const;

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
