/**
 * "Remind people N days before their grace period ends": 1 to 30 days, or
 * empty for no reminders. Its own module, importing nothing, because the
 * settings form in the browser reads it (see audit-retention-bounds.ts).
 */
export const REMINDER_DAYS_BOUNDS = { min: 1, max: 30 } as const;
