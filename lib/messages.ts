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

/** Whole minutes until `time`, rounded up, at least 1. */
export function minutesUntil(time: Date, now = new Date()): number {
  return Math.max(1, Math.ceil((time.getTime() - now.getTime()) / 60_000));
}

/** "1 second", "42 seconds": rounded up, so never "0". */
function inSeconds(time: Date, now: Date): string {
  return plural(Math.max(1, Math.ceil((time.getTime() - now.getTime()) / 1000)), "second");
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** "You have 3 recovery codes left.": on the profile, after a recovery-code sign-in, and in its email. */
export function codesLeftText(codesLeft: number): string {
  if (codesLeft === 0) return "You have no recovery codes left.";
  return `You have ${plural(codesLeft, "recovery code")} left.`;
}

/** After turning 2FA on ended the user's sessions elsewhere: "Your other 2 sessions were signed out." */
export function otherSessionsSignedOutText(count: number): string {
  if (count === 0) return "";
  return count === 1 ? "Your other session was signed out." : `Your other ${count} sessions were signed out.`;
}

export const messages = {
  notUnderstood: "That request was not understood.",
  correctHighlighted: (fieldCount: number) =>
    fieldCount === 1 ? "Please correct the highlighted field." : "Please correct the highlighted fields.",
  tooManyWrongCodes: (retryAt: Date, now = new Date()) =>
    `Too many wrong codes. Try again in ${inMinutes(retryAt, now)}.`,
  tooManyWrongCodesSignInAgain: "Too many wrong codes. Sign in again to try once more.",
  /** /login/two-factor while the failure window holds the second factor back (`until`: in the reader's zone). */
  secondStepPaused: (until: string) =>
    `Too many wrong codes: for your security, the second step is paused until ${until}.`,
  secondStepPausedCountdown: (minutes: number) => `You can try again in about ${plural(minutes, "minute")}.`,
  secondStepPausedOver: "You can try again now.",
  tooManyWrongPasswords: (retryAt: Date, now = new Date()) =>
    `Too many wrong passwords. Try again in ${inMinutes(retryAt, now)}.`,
  /** While the cap of consecutive failures holds the second factor locked (lib/two-factor/sign-in/factor-lock.ts). */
  secondStepLocked:
    "Your second step is locked after too many wrong attempts. Sign in with one of your recovery codes, or ask an administrator to unlock it.",
  /** The phishing-resistant requirement (lib/two-factor/policy/requirement.ts): the page's explanation. */
  phishingResistantRequired: "Your organisation requires a passkey or security key",
  phishingResistantExplained:
    "Authenticator app codes, codes by text message or email and Duo are not accepted for your account. Use your passkey or security key, or one of your recovery codes.",
  /** A code (or Duo) offered anyway, by a forged form or an old page. */
  phishingResistantMethodRefused:
    "Your organisation requires a passkey or security key: this code was not accepted. Use your passkey or security key, or one of your recovery codes.",
  passkeyNotFound: "That passkey is not one of this user’s: it may have been removed already.",
  passkeyRemovedByAdmin: "The passkey was removed and no longer signs the user in. They were told by email.",
  /** Under the heading phishingResistantRequired on /login/setup. */
  phishingResistantSetupNotice:
    "Authenticator apps, codes by text message or email and Duo cannot be set up for your account.",
  phishingResistantSetupHelp:
    "Add a passkey or security key to continue. If you cannot, sign out and ask your administrator for help.",
  phishingResistantSetup:
    "Your organisation requires a passkey or security key. Authenticator apps, codes by text message or email and Duo cannot be set up for your account.",

  // Sending a code (lib/two-factor/sent-codes/send-outcome-message.ts); never the code itself.
  codeSent: (channel: "sms" | "email", maskedDestination: string) =>
    `We sent a code ${channel === "sms" ? "by text message" : "by email"} to ${maskedDestination}. It is valid for 2 minutes.`,
  codeEmailedInstead: (maskedDestination: string) =>
    `We could not send a text message, so we emailed a code to ${maskedDestination}.`,
  waitBeforeAnotherCode: (retryAt: Date, now = new Date()) =>
    `Please wait ${inSeconds(retryAt, now)} before asking for another code.`,
  tooManyCodesSent: (retryAt: Date, now = new Date()) =>
    `Too many codes were sent. Try again in ${plural(minutesUntil(retryAt, now), "minute")}, or use another method.`,
  codesNotAllowed: "Your organisation does not allow codes by text message or email for your account.",
  /** Why no code goes by email right after a reset through an emailed link (see signInCodePlan). */
  codesBarredByReset:
    "Your password was just reset through a link sent to your email, so a code sent to that same email cannot finish signing in. Use another method or a recovery code, or ask your administrator for help.",
  organisationSmsLimitReached: "Too many text messages were sent from your organisation this hour. Try again later.",
  codeNotSent: "We could not send a code just now. Try again in a moment.",
} as const;

/** What passkey pages and actions say (lib/webauthn, app/…/passkey-actions.ts). */
export const passkeyMessages = {
  nameRequired: "Give the passkey a name, such as the device it is on.",
  nameTooLong: "Keep the name to 60 characters or fewer.",
  notAllowed: "Your organisation does not allow passkeys or security keys.",
  tooMany: "You have 20 passkeys, the most an account can have. Remove one you no longer use first.",
  answerNotUnderstood: "The browser's answer was not understood. Try again.",
  /** The challenge was used, expired (2 minutes), or belongs to another session. */
  expired: "That passkey request expired or was already used. Try again.",
  notVerified: "The passkey could not be verified. Try again, or use another way.",
  alreadyRegistered: "That passkey is already registered.",
  cancelled: "The passkey request was cancelled or timed out.",
  unsupported: "This browser cannot use passkeys.",
  notFound: "That passkey was already removed.",
  added: (name: string) => `Passkey "${name}" added.`,
  renamed: "Passkey renamed.",
  removed: (name: string) => `Passkey "${name}" removed.`,
  /** Passwordless: the passkey did not prove who is holding it (no PIN, fingerprint or face). */
  needsUserVerification:
    "This passkey did not check your PIN, fingerprint or face, so it cannot sign you in on its own. Sign in with your password, then use it as your second step.",
  /** Passwordless, any refusal that does not say whether an account exists. */
  signInRefused: "That passkey could not sign you in. Use your email and password instead.",
  disabled: "This account has been disabled. Contact your administrator.",
  apiAccount: "This is an API account: it can use the API but cannot sign in here.",
  ssoAccount: "This account signs in with SSO: use Sign in with SSO.",
  tooManyAttempts: (retryAt: Date, now = new Date()) =>
    `Too many failed sign-ins. Try again in ${inMinutes(retryAt, now)}.`,
  tooManyRequests: "Too many passkey requests from your network. Try again in a minute.",
} as const;

/**
 * What the pages say after a Duo round trip, by notice (lib/two-factor/duo/messages.ts). Only
 * these keys travel in the query string (`?duo=denied`), never text.
 */
export const duoNotices = {
  denied: "Duo did not approve this request. Try again, or use another way to sign in.",
  no_factor:
    "Duo let this through without asking for your phone or key, which is not enough here. Ask your administrator to set you up in Duo.",
  bad_state:
    "That Duo request could not be used: it expired, was already used, or was started in another browser. Start again.",
  missing_code: "Duo's answer was incomplete, so it was refused. Start again.",
  rejected: "Duo's answer could not be verified, so it was refused. Start again.",
  wrong_user: "Duo's answer was for another account, so it was refused.",
  unreachable: "Duo cannot be reached right now. Try again in a few minutes.",
  not_configured: "Duo is not available for your organisation now. Ask your administrator.",
  host_not_allowed:
    "Duo is set up with an API hostname this server does not allow. Ask your administrator to check Duo's settings.",
  locked: "Too many failed attempts. Try again later.",
  factor_locked: messages.secondStepLocked,
  enabled: "Duo is on. Sign-in will start with Duo.",
  disabled: "Duo is off.",
} as const;

/** A form error tied to fields: the summary counts them, each field gets its own words. */
export function fieldErrors<Data = never>(
  errors: Record<string, string>,
  values?: Record<string, string>,
): FormState<Data> {
  const count = Object.keys(errors).length;
  return {
    status: "error",
    message: messages.correctHighlighted(count),
    fieldErrors: errors,
    ...(values ? { values } : {}),
  };
}

/** The common case: one field is wrong. */
export function fieldError<Data = never>(
  field: string,
  text: string,
  values?: Record<string, string>,
): FormState<Data> {
  return fieldErrors<Data>({ [field]: text }, values);
}

/** What the webhook pages say (app/(app)/admin/webhooks). */
export const webhookMessages = {
  urlProblems: {
    invalid: "Enter a full URL, like https://siem.example.com/twofold (no user name or password in it).",
    "not-https": "Use an https:// URL.",
    "private-address":
      "This address is inside a private network or this server, so Twofold will not send to it. Use a public https URL, or ask the operator to add the host to WEBHOOK_ALLOWED_HOSTS.",
    unresolvable: "This host name cannot be found. Check the URL.",
    "too-many":
      "This organisation already has 10 webhooks, the most it may have. Delete one you no longer use, or send several kinds of events to one receiver.",
    busy: "Another webhook is being added at this moment. Try again in a few seconds.",
  },
  notFound: "That webhook does not exist.",
  created: "Webhook added. Copy its signing secret now: it will not be shown again.",
  rotated: "New signing secret made; the old one no longer signs. Copy it now: it will not be shown again.",
  enabled: (queued: number) =>
    queued === 0
      ? "Webhook enabled."
      : `Webhook enabled. ${queued === 1 ? "The delivery" : `The ${queued} deliveries`} queued before it was disabled will be sent now.`,
  disabled:
    "Webhook disabled: no new events are queued for it. Deliveries already queued are kept 7 days and sent if you enable it again within that time.",
  testDisabled: "This webhook is disabled, so a test event would not be sent. Enable it first.",
  disabledAutomatically: "Disabled automatically: its last 50 deliveries all failed. Fix the receiver, then enable it.",
  deleted: "Webhook deleted.",
  confirmDelete: "Tick the box to confirm.",
  testQueued: "Test event queued: it is sent within a few seconds. Reload the delivery log to see it.",
  retried: "Delivery queued again.",
  notRetriable: "Only a failed delivery of this organisation's webhooks can be retried.",
} as const;

/** The adoption overview (/admin) of an organisation counted from its summary (lib/admin/adoption-summary.ts). */
export const OVERVIEW_MESSAGES = {
  recounted: "Counted again just now.",
  recountedRecently: "These numbers were counted less than 30 seconds ago. Try again in a moment.",
} as const;

/** Beside a users-list filter whose value cannot be used (/admin/users, its export and /api/v1/users). */
export const USER_FILTER_MESSAGES = {
  state: "Choose one of the listed states.",
  method: "Choose one of the listed methods.",
  requirement: "Choose one of the listed requirements.",
  role: "Choose a role of your organisation.",
  group: "Choose a group of your organisation.",
  graceWithinDays: "Enter a whole number of days from 0 to 3650.",
  lastSignInBefore: "Enter a date as YYYY-MM-DD.",
} as const;

/** "1 person has" / "3 people have". */
function peopleHave(count: number): string {
  return count === 1 ? "1 person has" : `${count} people have`;
}

function people(count: number): string {
  return count === 1 ? "1 person" : `${count} people`;
}

/** The enforcement preview's numbers, in the confirmation's words (lib/admin/enforcement-preview.ts). */
export function enforcementPreviewSentences(
  preview: {
    newlyRequiredWithoutFactor: number;
    setupAtNextSignIn: number;
    inGrace: number;
    graceEndsTogether: boolean;
    byEmailCode: number;
    losingMethod: number;
    leftWithoutFactor: number;
    keepingAuthenticator: number | null;
    exempt: number;
  },
  graceUntil: string | null,
): { required: string[]; losing: string; keeping: string | null; exempt: string } {
  const required =
    preview.newlyRequiredWithoutFactor === 0
      ? ["No one without a second factor would become required to use one."]
      : [
          `${peopleHave(preview.newlyRequiredWithoutFactor)} no second factor and would be required to use one.`,
          ...(preview.setupAtNextSignIn > 0
            ? [`${people(preview.setupAtNextSignIn)}: sent to set one up at their next sign-in.`]
            : []),
          ...(preview.inGrace > 0 && graceUntil
            ? [
                preview.graceEndsTogether
                  ? `${people(preview.inGrace)}: a grace period until ${graceUntil}.`
                  : `${people(preview.inGrace)}: a grace period, the first ending ${graceUntil}.`,
              ]
            : []),
          ...(preview.byEmailCode > 0
            ? [`${people(preview.byEmailCode)}: sent a code by email at sign-in, since codes are allowed.`]
            : []),
        ];
  const losing =
    preview.losingMethod === 0
      ? "No one would lose a method they use now."
      : `${people(preview.losingMethod)} would lose a method that is no longer allowed${
          preview.leftWithoutFactor > 0
            ? ` (${preview.leftWithoutFactor} of them left with no second factor at all)`
            : ""
        }.`;
  // An app set up keeps working when apps are no longer allowed (usableMethods): say so, rather than nothing.
  const keeping =
    preview.keepingAuthenticator === null
      ? null
      : preview.keepingAuthenticator === 0
        ? "No one uses an authenticator app now; no one could add one after this change."
        : `${preview.keepingAuthenticator === 1 ? "1 person keeps their" : `${preview.keepingAuthenticator} people keep their`} authenticator app: unticking it stops new ones being added and takes none away.`;
  return {
    required,
    losing,
    keeping,
    exempt:
      preview.exempt === 0
        ? "API accounts, SSO users and disabled accounts are never counted: Twofold does not ask them for a second factor."
        : `Not counted: ${people(preview.exempt)} exempt (API accounts, SSO users and disabled accounts), whom Twofold never asks for a second factor.`,
  };
}
