import "server-only";
import type { TwoFactorRequirement } from "@/db/schema";
import { appUrl } from "@/lib/app-url";
import { formatDateTime } from "@/lib/format";
import { codesLeftText } from "@/lib/messages";
import type { RequestContext } from "@/lib/request-context";
import { REQUIREMENT_CHOICE_LABELS } from "@/lib/two-factor/policy/requirement-labels";
import { describeBrowserAndOs, describeUserAgent } from "@/lib/user-agent";

/**
 * One named template per security email (dub's `TwoFactorEnabled`, `TwoFactorDisabled`): the
 * words of every email Twofold sends about an account, in one place. A notice is what
 * lib/messaging/notify.ts sends (it adds "Hello <name>," and the closing line); a link email is
 * what lib/messaging/link-email.ts sends (the link on a line of its own between intro and outro).
 * The organisation's name goes in front of every subject when it is sent.
 */
export type SecurityEmail = { subject: string; heading: string; paragraphs: string[] };
export type LinkEmail = { subject: string; heading: string; intro: string[]; url: string; outro: string[] };

// Two-factor authentication turned on and off by its owner.

/** The authenticator app is confirmed: 2FA is on. */
export function twoFactorEnabled(): SecurityEmail {
  return {
    subject: "two-factor authentication is on",
    heading: "Two-factor authentication is on",
    paragraphs: ["Signing in to your account now needs a code from your authenticator app as well as your password."],
  };
}

/** The owner turned off every factor, with their password and a code. */
export function twoFactorDisabled(): SecurityEmail {
  return {
    subject: "two-factor authentication is off",
    heading: "Two-factor authentication was turned off",
    paragraphs: ["Your authenticator app, recovery codes and remembered browsers no longer work for your account."],
  };
}

/** A passkey or security key was added to the account (on the profile, or at setup). */
export function passkeyAdded(input: { name: string }): SecurityEmail {
  return {
    subject: "a passkey was added",
    heading: "A passkey was added to your account",
    paragraphs: [`The passkey "${input.name}" can now be used to sign in to your account.`],
  };
}

export function passkeyRemoved(input: { name: string }): SecurityEmail {
  return {
    subject: "a passkey was removed",
    heading: "A passkey was removed from your account",
    paragraphs: [`The passkey "${input.name}" can no longer be used to sign in to your account.`],
  };
}

/**
 * A passkey's signature counter went backwards: the answer came from a copy
 * of the key, or the key is faulty. The sign-in was refused; the owner hears
 * of it at once, with where it came from (ASVS 5.0 V6.3.5/V6.3.7: users are
 * told of suspicious authentication attempts), and what to do.
 */
export function passkeyCloneSuspected(input: {
  passkeyName: string;
  context: RequestContext;
  at: Date;
  timeZone: string;
}): SecurityEmail {
  const { browser, os } = describeBrowserAndOs(input.context.userAgent);
  return {
    subject: "a possible copy of your passkey was refused",
    heading: "A possible copy of your passkey was refused",
    paragraphs: [
      `Your passkey “${input.passkeyName}” was just used in a way that suggests it was copied (its signature counter went backwards), so we refused it.`,
      `Browser: ${browser}. System: ${os}. Address: ${input.context.ip ?? "unknown"}. Time: ${formatDateTime(input.at, input.timeZone)}.`,
      `If that was not you, or you do not know why this happened, remove the passkey on your profile and add a new one: ${appUrl("/profile")}`,
    ],
  };
}

export function signInCodesEnabled(): SecurityEmail {
  return {
    subject: "sign-in codes are on",
    heading: "Codes by text message or email are on",
    paragraphs: ["Signing in to your account now needs a code we send you as well as your password."],
  };
}

export function duoEnabled(): SecurityEmail {
  return {
    subject: "Duo is on",
    heading: "Duo is on for your account",
    paragraphs: ["Signing in to your account now asks you to approve it in Duo after your password."],
  };
}

export function duoDisabled(): SecurityEmail {
  return {
    subject: "Duo is off",
    heading: "Duo was turned off for your account",
    paragraphs: ["Duo is no longer asked for when you sign in."],
  };
}

export function recoveryCodesReplaced(): SecurityEmail {
  return {
    subject: "new recovery codes",
    heading: "Your recovery codes were replaced",
    paragraphs: ["A new set of recovery codes was made for your account. The old codes no longer work."],
  };
}

/**
 * A recovery code is the last resort of a lost factor, or a sign that someone has the password
 * and the printed codes (NIST SP 800-63B-4 §4.2, ASVS 5.0 V6.3.6): the owner hears of every use.
 */
export function recoveryCodeUsed(input: { codesLeft: number }): SecurityEmail {
  return {
    subject: "a recovery code was used",
    heading: "A recovery code was used on your account",
    paragraphs: [
      `One of your recovery codes was just used. ${codesLeftText(input.codesLeft)}`,
      `If you lost your phone or authenticator app, set up a new method and create new recovery codes on your profile: ${appUrl("/profile")}`,
      `If it was not you, someone has your password and a recovery code: reset your password at ${appUrl("/login/forgot")}`,
    ],
  };
}

/** A recovery code used by someone who must use a passkey (lib/two-factor/recovery-codes/break-glass-notice.ts). */
export function recoveryCodeBreakGlass(input: { codesLeft: number }): SecurityEmail {
  return {
    subject: "a recovery code was used instead of your passkey",
    heading: "A recovery code was used instead of your passkey",
    paragraphs: [
      `Your organisation requires a passkey or security key, and one of your recovery codes was just used to sign in without one. ${codesLeftText(input.codesLeft)} Your administrators were told.`,
      `If you lost your passkey or security key, add a new one on your profile: ${appUrl("/profile")}`,
      `If it was not you, someone has your password and a recovery code: reset your password at ${appUrl("/login/forgot")}`,
    ],
  };
}

/** To each administrator: the organisation's passkey requirement was bypassed with a recovery code. */
export function recoveryCodeBreakGlassForAdministrator(input: {
  user: { id: number; email: string; name: string };
}): SecurityEmail {
  const { user } = input;
  return {
    subject: `${user.name} signed in with a recovery code instead of a passkey`,
    heading: "A recovery code was used instead of a passkey",
    paragraphs: [
      `${user.name} (${user.email}) must use a passkey or security key, and just signed in with a recovery code instead.`,
      `If they lost their passkey, they can add a new one on their profile. If you do not expect this, check with them and review their account: ${appUrl(`/admin/users/${user.id}`)}`,
    ],
  };
}

// Two-factor authentication changed by an administrator.

export function twoFactorDisabledByAdministrator(input: { actorName: string }): SecurityEmail {
  return {
    subject: "two-factor authentication was turned off",
    heading: "An administrator turned off your two-factor authentication",
    paragraphs: [
      `${input.actorName} turned off two-factor authentication for your account, for example because you lost your phone.`,
      "Your authenticator app, passkeys and security keys, recovery codes, sign-in codes and remembered browsers no longer work. Set it up again from your profile.",
    ],
  };
}

export function twoFactorRequirementChanged(input: {
  actorName: string;
  from: TwoFactorRequirement;
  to: TwoFactorRequirement;
}): SecurityEmail {
  // In the words the administrator chose from, never the stored value ("phishing_resistant").
  const from = REQUIREMENT_CHOICE_LABELS[input.from];
  const to = REQUIREMENT_CHOICE_LABELS[input.to];
  return {
    subject: "your two-factor requirement changed",
    heading: "Your two-factor authentication requirement changed",
    paragraphs: [`${input.actorName} changed it from “${from}” to “${to}”.`],
  };
}

export function twoFactorReset(input: { actorName: string; reason: string }): SecurityEmail {
  return {
    subject: "two-factor authentication was reset",
    heading: "An administrator reset your two-factor authentication",
    paragraphs: [
      `${input.actorName} reset two-factor authentication for your account and signed you out everywhere.`,
      `The reason they gave: “${input.reason}”`,
      "Your authenticator app, passkeys and security keys, sign-in codes, recovery codes and remembered browsers no longer work; you will set them up again.",
    ],
  };
}

export function passkeyRemovedByAdministrator(input: { actorName: string; passkeyName: string }): SecurityEmail {
  return {
    subject: "a passkey was removed from your account",
    heading: "An administrator removed one of your passkeys",
    paragraphs: [
      `${input.actorName} removed the passkey or security key “${input.passkeyName}” from your account, for example because the device was lost.`,
      `It no longer signs you in. You can add a new one on your profile: ${appUrl("/profile")}`,
    ],
  };
}

/** The organisation's policy went to Disabled: to everyone who used 2FA (lib/two-factor/policy/disabled-notice.ts). */
export function twoFactorTurnedOffForOrganisation(input: { actorName: string }): SecurityEmail {
  return {
    subject: "Two-factor authentication turned off for your organisation",
    heading: "Two-factor authentication was turned off for your organisation",
    paragraphs: [
      `${input.actorName} turned off two-factor authentication for everyone in your organisation. Signing in now asks only for your password.`,
      "Your authenticator app, codes and Duo stay set up, and will be asked for again if it is turned back on.",
    ],
  };
}

// The second sign-in step paused, locked and unlocked.

/** Someone knows the password and keeps failing the second step (codes or Duo). */
export function signInPaused(): SecurityEmail {
  return {
    subject: "failed sign-in attempts",
    heading: "Someone is trying to sign in to your account",
    paragraphs: [
      // The numbers are the organisation's settings ("Sign-in protection"), so none is promised here.
      "Your password was entered correctly, then the second step failed too many times, so it is paused for a while.",
      // Signing in is paused, so "change your password" on the profile is out of reach: the reset link is not.
      // Not "If this was not you": notifyUser's closing line says that already.
      `Someone else may know your password: reset it now at ${appUrl("/login/forgot")}`,
    ],
  };
}

/** To the user whose second step the cap on consecutive failures locked. */
export function secondFactorLocked(input: { failures: number }): SecurityEmail {
  return {
    subject: "your second sign-in step is locked",
    heading: "Your second sign-in step is locked",
    paragraphs: [
      // Not "so it is locked": the heading says that, right above.
      `Your password was entered correctly, then the second step failed ${input.failures} times in a row.`,
      "To sign in, use one of your recovery codes, or ask an administrator to unlock it.",
      `Someone else may know your password: reset it at ${appUrl("/login/forgot")}`,
    ],
  };
}

/** To each administrator who can unlock it. */
export function secondFactorLockedForAdministrator(input: {
  user: { id: number; email: string; name: string };
  failures: number;
}): SecurityEmail {
  const { user } = input;
  return {
    subject: `${user.name}'s second sign-in step is locked`,
    heading: "A user's second sign-in step is locked",
    paragraphs: [
      `The second step of ${user.name} (${user.email}) failed ${input.failures} times in a row after a correct password.`,
      `Check with them that it was really them, then press “Unlock” on their page: ${appUrl(`/admin/users/${user.id}`)}`,
    ],
  };
}

export function secondFactorUnlocked(input: { actorName: string }): SecurityEmail {
  return {
    subject: "your second sign-in step was unlocked",
    heading: "Your second sign-in step was unlocked",
    paragraphs: [
      `${input.actorName} unlocked the second step of your sign-in. Your authenticator app, codes and Duo work again.`,
    ],
  };
}

// Help signing in (lib/recovery).

export function recoveryRequestForAdministrator(input: {
  user: { id: number; email: string; name: string };
  request: { createdAt: Date; expiresAt: Date; ip: string | null; userAgent: string | null };
  /** The administrator's own zone (lib/messaging/recipient-time-zone.ts). */
  timeZone: string;
}): SecurityEmail {
  const { user, request, timeZone } = input;
  return {
    subject: `${user.name} cannot use their two-factor methods`,
    heading: "Someone asks for help signing in",
    paragraphs: [
      `${user.name} (${user.email}) entered their password and said they cannot use any of their two-factor methods, on ${formatDateTime(request.createdAt, timeZone)} from ${request.ip ?? "an unknown address"} (${describeUserAgent(request.userAgent)}).`,
      // The password alone proves nothing: whoever knows it can press the button (OWASP ASVS 5.0 V6.4.4).
      "Before you do anything, check it is really them by your own means: call them on a number you already know, or see them in person. Do not reply to this email to check.",
      `If it is them, press “Reset two-factor authentication” on their page, and give the reason: ${appUrl(`/admin/users/${user.id}`)}`,
      `If it is not them, dismiss the request there and tell them: someone knows their password. The request expires on ${formatDateTime(request.expiresAt, timeZone)}.`,
    ],
  };
}

/** To the user, in case it was not them. */
export function recoveryRequestCreated(input: { request: { createdAt: Date }; timeZone: string }): SecurityEmail {
  return {
    subject: "you asked for help signing in",
    heading: "You asked for help signing in",
    paragraphs: [
      `On ${formatDateTime(input.request.createdAt, input.timeZone)}, after your password was entered correctly, someone said they cannot use any of your two-factor methods and asked your administrators for help.`,
      "If that was you: an administrator will contact you to check it is really you, then reset your two-factor authentication. Nothing changes until then.",
      "If it was not you, someone knows your password. Contact your administrator now so they can dismiss the request.",
    ],
  };
}

// Sign-in alerts.

/** Browser, system, address and time of a sign-in from a new browser, and where to end the session (ASVS 5.0 V6.3.7). */
export function newSignIn(input: { context: RequestContext; at: Date; timeZone: string }): SecurityEmail {
  const { browser, os } = describeBrowserAndOs(input.context.userAgent);
  return {
    subject: "New sign-in to Twofold",
    heading: "New sign-in to your account",
    paragraphs: [
      "Your account was just signed in to from a browser it has not used before:",
      `Browser: ${browser}. System: ${os}. Address: ${input.context.ip ?? "unknown"}. Time: ${formatDateTime(input.at, input.timeZone)}.`,
      `If this was you, there is nothing to do. If not, end that session and change your password: ${appUrl("/profile#sessions")}`,
    ],
  };
}

// Password and mobile number.

/** Changed on the profile, with the current password. */
export function passwordChanged(input: { organisationName: string }): SecurityEmail {
  return {
    subject: "your password was changed",
    heading: "Your password was changed",
    paragraphs: [
      `The password of your ${input.organisationName} account was just changed, and your other sessions were signed out.`,
    ],
  };
}

/**
 * Changed through a reset link. A passkey signs in without the password, so a
 * reset does not shut out whoever added one from a stolen session (review
 * L9): the email names every passkey the account still has, and how to remove
 * one the owner does not recognise.
 */
export function passwordResetCompleted(input: { organisationName: string; passkeyNames: string[] }): SecurityEmail {
  const passkeys = input.passkeyNames.map((name) => `“${name}”`).join(", ");
  return {
    subject: "your password was changed",
    heading: "Your password was changed",
    paragraphs: [
      `The password of your ${input.organisationName} account was reset through a link sent to this address. Every session was signed out and remembered browsers were forgotten.`,
      "Your two-factor authentication is unchanged: you still need it to sign in.",
      ...(input.passkeyNames.length === 0
        ? []
        : [
            `These passkeys and security keys still sign in to your account, without the password: ${passkeys}.`,
            `If you do not recognise one, sign in and remove it under “Passkeys and security keys” on your profile: ${appUrl("/profile")}. If you cannot sign in, ask your administrator to reset your two-factor authentication, which removes them all.`,
          ]),
    ],
  };
}

/** Why an account that cannot be reset by email was not sent a link. */
const NO_RESET_REASON = {
  sso: "Your account signs in with SSO, through your organisation's identity provider, so its password is not managed by Twofold. Reset it with your identity provider.",
  api_account: "Your account is an API account: it uses API tokens and has no password to reset here.",
  disabled: "Your account is disabled, so its password cannot be reset. Contact your administrator.",
  invitation_pending:
    "You have not accepted your invitation yet, so there is no password to reset. Use the link in your invitation email, or ask your administrator for a new invitation.",
} as const;

/** A reset was asked for an account whose password cannot be reset by email: no link, only why. */
export function passwordResetUnavailable(input: { reason: keyof typeof NO_RESET_REASON }): SecurityEmail {
  return {
    subject: "password reset requested",
    heading: "Someone asked to reset your password",
    paragraphs: ["Someone asked to reset the password of your account.", NO_RESET_REASON[input.reason]],
  };
}

export function mobileNumberRemoved(input: { maskedNumber: string }): SecurityEmail {
  return {
    subject: "mobile number removed",
    heading: "Your mobile number was removed",
    paragraphs: [`${input.maskedNumber} no longer receives sign-in codes for your account; they will come by email.`],
  };
}

/** To the account, which the owner of the old number may not be the one who changed. */
export function mobileNumberChanged(input: {
  maskedNumber: string;
  previousMaskedNumber: string | null;
}): SecurityEmail {
  return {
    subject: "new mobile number",
    heading: "Your mobile number was changed",
    paragraphs: [
      input.previousMaskedNumber
        ? `Sign-in codes by text message now go to ${input.maskedNumber} instead of ${input.previousMaskedNumber}.`
        : `Sign-in codes by text message now go to ${input.maskedNumber}.`,
    ],
  };
}

// Link emails.

export function passwordResetLink(input: {
  organisationName: string;
  sentByName: string | null;
  url: string;
}): LinkEmail {
  return {
    subject: "reset your password",
    heading: "Reset your password",
    intro: [
      input.sentByName
        ? `${input.sentByName}, an administrator of ${input.organisationName}, sent you this link to choose a new password for your account.`
        : `Someone asked to reset the password of your ${input.organisationName} account. To choose a new password, open this link:`,
    ],
    url: input.url,
    outro: [
      "The link works once and expires in 30 minutes. After the reset, you still sign in with your second factor as usual.",
      "If you did not ask for this, ignore this email: your password stays as it is.",
    ],
  };
}

export function invitation(input: {
  organisationName: string;
  invitedByName: string;
  expiresAt: Date;
  url: string;
}): LinkEmail {
  return {
    subject: "you are invited to Twofold",
    heading: `${input.invitedByName} invited you to ${input.organisationName}`,
    intro: [
      `${input.invitedByName} invited you to sign in to ${input.organisationName} with Twofold.`,
      "To accept, open this link, then choose your name and a password:",
    ],
    url: input.url,
    outro: [
      `The link works once, until ${formatDateTime(input.expiresAt)}. If it has expired, ask your administrator for a new one.`,
      "If you did not expect this invitation, you can ignore this email.",
    ],
  };
}

/** Right after the password, when the organisation requires a second step the user has not set up. */
export function signInSetupLink(input: { organisationName: string; url: string }): LinkEmail {
  return {
    subject: "set up two-factor authentication",
    heading: "Finish signing in: set up two-factor authentication",
    intro: [
      `${input.organisationName} requires a second step at sign-in. To set it up, open this link in the browser where you just signed in:`,
    ],
    url: input.url,
    outro: [
      "The link works once, only in that browser, and expires in 24 hours.",
      "If you did not just sign in, change your password and tell your administrator.",
    ],
  };
}

/** Sent by an administrator ("Send setup link"). */
export function authenticatorSetupLink(input: { organisationName: string; adminName: string; url: string }): LinkEmail {
  return {
    subject: "set up your authenticator app",
    heading: "Set up two-factor authentication",
    intro: [
      `${input.adminName} asked you to set up an authenticator app for your ${input.organisationName} account. Open this link, sign in, and follow the steps:`,
    ],
    url: input.url,
    outro: ["The link works once and expires in 24 hours.", "If you did not expect this, contact your administrator."],
  };
}
