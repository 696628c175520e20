import { DEFAULT_SESSION_IDLE_MINUTES } from "@/db/schema";

/** The choices of "Sign out after inactivity", in minutes: a list, so no one sets 7 minutes or 3 years by a typo. */
export const SESSION_IDLE_CHOICES = [
  { minutes: 15, label: "15 minutes" },
  { minutes: 30, label: "30 minutes" },
  { minutes: 60, label: "1 hour" },
  { minutes: 2 * 60, label: "2 hours" },
  { minutes: 8 * 60, label: "8 hours" },
  { minutes: 24 * 60, label: "1 day" },
  { minutes: 3 * 24 * 60, label: "3 days" },
  { minutes: 7 * 24 * 60, label: "7 days" },
  { minutes: DEFAULT_SESSION_IDLE_MINUTES, label: "14 days (default)" },
  { minutes: 30 * 24 * 60, label: "30 days" },
  { minutes: 90 * 24 * 60, label: "90 days" },
] as const;

export function isSessionIdleChoice(minutes: number): boolean {
  return SESSION_IDLE_CHOICES.some((choice) => choice.minutes === minutes);
}

export function describeIdleMinutes(minutes: number): string {
  return (
    SESSION_IDLE_CHOICES.find((choice) => choice.minutes === minutes)?.label.replace(" (default)", "") ??
    `${minutes} minutes`
  );
}

/**
 * NIST SP 800-63B-4 §2.2.3 (AAL2): re-authenticate at least every 24 hours,
 * and after at most 1 hour of inactivity.
 */
export const NIST_AAL2_SESSIONS = { sessionDurationDays: 1, sessionIdleMinutes: 60 } as const;
