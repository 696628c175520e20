/* When a new API token stops working: the "Expires" choice of its form, turned into an instant. */

export const TOKEN_EXPIRY_CHOICES = ["never", "30", "90", "365", "date"] as const;
export type TokenExpiryChoice = (typeof TOKEN_EXPIRY_CHOICES)[number];

export const TOKEN_EXPIRY_LABELS: Record<TokenExpiryChoice, string> = {
  never: "Never",
  "30": "In 30 days",
  "90": "In 90 days",
  "365": "In a year",
  date: "On a date…",
};

const DAY_MS = 24 * 60 * 60 * 1000;
/** Far enough for any honest plan; a typo like 20226 is refused rather than stored. */
const MAX_DAYS_AHEAD = 5 * 366;

export type TokenExpiry = { ok: true; expiresAt: Date | null } | { ok: false; error: string };

/** The offset of `timeZone` from UTC at `instant`, in milliseconds (positive east of Greenwich). */
function zoneOffsetMs(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  }).formatToParts(new Date(instant));
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(part("year"), part("month") - 1, part("day"), part("hour"), part("minute"), part("second"));
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The last millisecond of the calendar day `date` (YYYY-MM-DD) where the reader lives: the token works that whole day. */
function endOfDayIn(date: string, timeZone: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const nextMidnightUtc = Date.UTC(year, month - 1, day + 1);
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  // Midnight in the zone is midnight UTC minus the zone's offset; the offset is read again at the result for DST changes.
  const guess = nextMidnightUtc - zoneOffsetMs(nextMidnightUtc, timeZone);
  const nextMidnight = nextMidnightUtc - zoneOffsetMs(guess, timeZone);
  return new Date(nextMidnight - 1);
}

/** The instant a new token expires, from the form's choice; a date is a day in `timeZone`, the reader's. */
export function tokenExpiry(
  input: { choice: TokenExpiryChoice; date?: string },
  now: Date,
  timeZone: string,
): TokenExpiry {
  if (input.choice === "never") return { ok: true, expiresAt: null };
  if (input.choice !== "date") return { ok: true, expiresAt: new Date(now.getTime() + Number(input.choice) * DAY_MS) };
  if (!input.date) return { ok: false, error: "Choose the date the token stops working." };
  const expiresAt = endOfDayIn(input.date, timeZone);
  if (!expiresAt) return { ok: false, error: "Enter the date as a day, month and year." };
  if (expiresAt.getTime() <= now.getTime()) return { ok: false, error: "Choose a date after today." };
  if (expiresAt.getTime() - now.getTime() > MAX_DAYS_AHEAD * DAY_MS)
    return { ok: false, error: "Choose a date within the next five years." };
  return { ok: true, expiresAt };
}
