import type { FormState } from "@/lib/action";

/**
 * The words users read when something is refused or a form needs fixing, in one place, so one
 * refusal reads the same on every screen (better-auth's `error-code.ts`). Security emails have
 * their own catalogue (lib/messaging/security-emails.ts).
 */

/** "1 minute", "3 minutes", or seconds under a minute; rounded up, so never "0". */
export function inMinutes(time: Date, now = new Date()): string {
  const seconds = Math.max(1, Math.ceil((time.getTime() - now.getTime()) / 1000));
  if (seconds < 60) return plural(seconds, "second");
  return plural(Math.ceil(seconds / 60), "minute");
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

export const messages = {
  notUnderstood: "That request was not understood.",
  correctHighlighted: (fieldCount: number) =>
    fieldCount === 1 ? "Please correct the highlighted field." : "Please correct the highlighted fields.",
  tooManyWrongCodes: (retryAt: Date, now = new Date()) => `Too many wrong codes. Try again in ${inMinutes(retryAt, now)}.`,
  tooManyWrongCodesSignInAgain: "Too many wrong codes. Sign in again to try once more.",
  tooManyWrongPasswords: (retryAt: Date, now = new Date()) =>
    `Too many wrong passwords. Try again in ${inMinutes(retryAt, now)}.`,
} as const;

/** A form error tied to fields: the summary counts them, each field gets its own words. */
export function fieldErrors<Data = never>(
  errors: Record<string, string>,
  values?: Record<string, string>,
): FormState<Data> {
  const count = Object.keys(errors).length;
  return { status: "error", message: messages.correctHighlighted(count), fieldErrors: errors, ...(values ? { values } : {}) };
}

/** The common case: one field is wrong. */
export function fieldError<Data = never>(field: string, text: string, values?: Record<string, string>): FormState<Data> {
  return fieldErrors<Data>({ [field]: text }, values);
}
