/*
 * How long an organisation keeps its audit events (lib/retention/purge.ts
 * deletes older ones every hour). OWASP ASVS 5.0 sets no number: 16.1.1 asks
 * that how long logs are kept be documented, 16.3 that they serve
 * investigations, 14.2.7 that personal data be deleted once out of date.
 * The floor of 90 days lets an investigation always reach back a quarter
 * (an account takeover is often found weeks later); the ceiling of ten years
 * keeps the number sane. The default stays a year (db/schema's
 * DEFAULT_AUDIT_RETENTION_DAYS; a test keeps the two equal).
 *
 * Its own module, importing nothing, because the settings form in the browser
 * reads it: zod (audit-retention.ts) probes `Function("")` when it builds a
 * schema, which the Content-Security-Policy reports as a violation, and
 * db/schema would bring Drizzle into the page.
 */
export const AUDIT_RETENTION_BOUNDS = { min: 90, max: 3650, default: 365 } as const;

/**
 * A shorter audit retention takes effect this many days after it is saved
 * (lib/retention/purge.ts). Otherwise an administrator (or whoever took over
 * their session) could erase months of evidence within the hour; this way the
 * change sits in the audit log, where other administrators can see it and undo
 * it, before anything it would delete goes (OWASP ASVS 5.0 16.4.2: logs are
 * protected from deletion).
 */
export const AUDIT_RETENTION_SHORTENING_DELAY_DAYS = 30;
