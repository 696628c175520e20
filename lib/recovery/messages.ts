import { formatDateTime } from "@/lib/format";
import { inMinutes, plural } from "@/lib/messages";

/** "3 hours" past the hour (the limit's window is a day), else minutes. */
function waitFor(retryAt: Date, now: Date): string {
  const hours = Math.ceil((retryAt.getTime() - now.getTime()) / 3_600_000);
  return hours > 1 ? plural(hours, "hour") : inMinutes(retryAt, now);
}

/*
 * Every word a user reads about recovery requests, in one place: the recovery part of the
 * catalogue (lib/messages.ts), apart because it formats dates (lib/format carries a phone-number
 * library that the catalogue, importable from the browser, should not).
 */

export const RECOVERY_BUTTON_LABEL = "I can't use any of my methods";

/** Under the button, before it is pressed: what it does, and that it does nothing on its own. */
export const RECOVERY_BUTTON_HINT =
  "Lost your phone or security key, and have no recovery code? Ask your administrator for help.";

export const RECOVERY_NEXT_STEPS = [
  "An administrator will contact you to check it is really you.",
  "Then they will reset your two-factor authentication.",
  "You will then sign in with your password and set up a new method.",
  "Nothing changes until then: your methods keep working if you find them.",
] as const;

/** `administratorsAsked`: how many administrators who may reset this account were emailed. */
export function recoveryRequestSent(administratorsAsked: number): string {
  if (administratorsAsked === 0) {
    // Say so rather than promise help that no one here can give (the user may be the only full administrator).
    return "Your request was recorded, but no administrator here can reset your account. Contact your organisation's IT support directly.";
  }
  return "Your request was sent to your administrators.";
}

/** Another press for the same account held its turn past the lock timeout: nothing was decided for this one. */
export const RECOVERY_REQUEST_BUSY =
  "Your request is already being sent from another window. Wait a few seconds, then press the button again to see where it stands.";

/** `timeZone`: the reader's (lib/flows/viewer-time-zone.ts), named in the text; UTC when unknown. */
export function recoveryRequestAlreadySent(createdAt: Date, timeZone = "UTC"): string {
  return `You already asked for help on ${formatDateTime(createdAt, timeZone)}. We did not send it again.`;
}

export function recoveryRequestPendingSince(createdAt: Date, expiresAt: Date, timeZone = "UTC"): string {
  return `You asked your administrators for help on ${formatDateTime(createdAt, timeZone)}. The request expires on ${formatDateTime(expiresAt, timeZone)}.`;
}

export function recoveryRequestLimited(retryAt: Date, now = new Date()): string {
  return `You have asked for help too many times today. Try again in ${waitFor(retryAt, now)}, or contact your administrator directly.`;
}
