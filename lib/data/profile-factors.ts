import "server-only";
import { eq } from "drizzle-orm";
import { getDb } from "@/db";
import { organisations, users } from "@/db/schema";
import { recordActorEvent } from "@/lib/audit";
import type { CurrentSession } from "@/lib/auth/guards";
import { deleteSessionsOfUser } from "@/lib/auth/sessions";
import { appKeyRing } from "@/lib/keys/app-key-ring";
import { hasConfirmedAuthenticator, removeSecondFactors } from "@/lib/two-factor/authenticator-app/credentials";
import { passkeysPermitted, type SecondFactorMethod } from "@/lib/two-factor/policy/methods";
import { twoFactorStatus, type TwoFactorStatus } from "@/lib/two-factor/policy/status";
import { twoFactorStateOfUser } from "@/lib/two-factor/policy/user-state";
import { replaceRecoveryCodes } from "@/lib/two-factor/recovery-codes/codes";
import {
  maskDestination,
  planSecondFactorDelivery,
  sendOneTimeCode,
  type SendOutcome,
} from "@/lib/two-factor/sent-codes/delivery";
import { codeRecipientOf, sendSecondFactorCode } from "@/lib/two-factor/sent-codes/sign-in-recipient";
import { checkSentCodeUnderLimit } from "@/lib/two-factor/sign-in/second-factor-check";
import {
  forgetTrustedBrowser,
  forgetTrustedBrowsersOfUser,
  listTrustedBrowsers,
} from "@/lib/two-factor/sign-in/trusted-browsers";

/*
 * The signed-in user's own second factors, as the profile's "Two-factor
 * authentication" card shows and changes them. Every function acts on
 * `current.user` only.
 */

export type OwnTwoFactor = Pick<
  TwoFactorStatus,
  | "requirement"
  | "enabled"
  | "methods"
  | "hasAuthenticator"
  | "recoveryCodesLeft"
  | "codesTurnedOn"
  | "duoTurnedOn"
  | "duoAvailable"
  | "hasPasskey"
  | "allowPasskey"
  | "preferredMethod"
  | "canDisable"
> & {
  /** What the organisation allows setting up now. */
  allowTotp: boolean;
  allowCode: boolean;
  /** Where codes go: "by text message" or "by email", to a masked destination. */
  codesGo: { channel: "sms" | "email"; maskedDestination: string };
};

export type OwnTrustedBrowser = { id: number; userAgent: string | null; createdAt: Date; lastUsedAt: Date | null };

export async function ownTwoFactor(current: CurrentSession): Promise<OwnTwoFactor> {
  const db = getDb();
  const { allowTotp, allowCode } = (
    await db
      .select({ allowTotp: organisations.allowTotp, allowCode: organisations.allowCode })
      .from(organisations)
      .where(eq(organisations.id, current.user.organisationId))
  )[0]!;
  const plan = planSecondFactorDelivery((await codeRecipientOf(db, current.user.id))!);
  const status = await twoFactorStatus(db, current.user.id);
  return {
    requirement: status.requirement,
    enabled: status.enabled,
    methods: status.methods,
    hasAuthenticator: status.hasAuthenticator,
    recoveryCodesLeft: status.recoveryCodesLeft,
    codesTurnedOn: status.codesTurnedOn,
    duoTurnedOn: status.duoTurnedOn,
    duoAvailable: status.duoAvailable,
    hasPasskey: status.hasPasskey,
    // The one rule (passkeysPermitted): a phishing-resistant-only requirement allows them too.
    allowPasskey: passkeysPermitted(status),
    preferredMethod: status.preferredMethod,
    canDisable: status.canDisable,
    allowTotp,
    allowCode,
    codesGo: { channel: plan.channel, maskedDestination: maskDestination(plan.channel, plan.destination) },
  };
}

export async function ownTrustedBrowsers(current: CurrentSession): Promise<OwnTrustedBrowser[]> {
  return (await listTrustedBrowsers(getDb(), current.user.id)).map(({ id, userAgent, createdAt, lastUsedAt }) => ({
    id,
    userAgent,
    createdAt,
    lastUsedAt,
  }));
}

export async function ownDuoTurnedOn(current: CurrentSession): Promise<boolean> {
  return (await twoFactorStateOfUser(getDb(), current.user.id)).duoTurnedOn;
}

export async function hasOwnAuthenticator(current: CurrentSession): Promise<boolean> {
  return hasConfirmedAuthenticator(getDb(), current.user.id);
}

/** Removes every second factor of the user's own and ends their other sessions. */
export async function disableOwnTwoFactor(current: CurrentSession): Promise<void> {
  const db = getDb();
  await db.transaction(async (tx) => {
    await removeSecondFactors(tx, current.user.id);
    await deleteSessionsOfUser(tx, current.user.id, { exceptTokenHash: current.session.tokenHash });
  });
  await recordActorEvent(db, current, "two_factor.disabled", { targetUserId: current.user.id });
}

/** A new set of recovery codes, shown this once; the old ones stop working. */
export async function regenerateOwnRecoveryCodes(current: CurrentSession): Promise<string[]> {
  const db = getDb();
  const recoveryCodes = await db.transaction(
    async (tx) => await replaceRecoveryCodes(tx, current.user.id, appKeyRing()),
  );
  await recordActorEvent(db, current, "recovery_codes.regenerated", { targetUserId: current.user.id });
  return recoveryCodes;
}

/** Forgets one of the user's own remembered browsers; false when it was already forgotten (or not theirs). */
export async function forgetOwnBrowser(current: CurrentSession, browserId: number): Promise<boolean> {
  const db = getDb();
  if (!(await forgetTrustedBrowser(db, current.user.id, browserId))) return false;
  await recordActorEvent(db, current, "trusted_browser.forgotten", {
    targetUserId: current.user.id,
    details: { count: 1 },
  });
  return true;
}

export async function forgetAllOwnBrowsers(current: CurrentSession): Promise<void> {
  const db = getDb();
  const count = await forgetTrustedBrowsersOfUser(db, current.user.id);
  await recordActorEvent(db, current, "trusted_browser.forgotten", {
    targetUserId: current.user.id,
    details: { count },
  });
}

/** Turning codes on: a code sent where codes will go, unless the organisation no longer allows codes. */
export async function sendEnableCodesCode(
  current: CurrentSession,
): Promise<SendOutcome | { ok: false; reason: "not_allowed" }> {
  const db = getDb();
  const recipient = (await codeRecipientOf(db, current.user.id))!;
  const { allowCode } = (
    await db
      .select({ allowCode: organisations.allowCode })
      .from(organisations)
      .where(eq(organisations.id, current.organisation.id))
  )[0]!;
  if (!allowCode) return { ok: false, reason: "not_allowed" };
  return sendOneTimeCode(db, {
    user: recipient,
    organisation: current.organisation,
    sessionTokenHash: current.session.tokenHash,
    purpose: "enable_codes",
    plan: planSecondFactorDelivery(recipient),
    context: current.context,
  });
}

/** Checks a code sent to this session for `purpose`, under the second-factor failure limit. */
export async function checkOwnSentCode(
  current: CurrentSession,
  purpose: "enable_codes" | "verify_mobile",
  code: string,
) {
  return checkSentCodeUnderLimit(getDb(), {
    userId: current.user.id,
    sessionTokenHash: current.session.tokenHash,
    purpose,
    code,
    keys: appKeyRing(),
  });
}

/**
 * Codes are on once a code arrived; other sessions end, as whoever held them
 * must now pass 2FA. Returns how many ended, so the user is told.
 */
export async function turnOnOwnCodes(current: CurrentSession): Promise<number> {
  const db = getDb();
  const { user, session } = current;
  const ended = await db.transaction(async (tx) => {
    await tx.update(users).set({ codesEnabledAt: new Date() }).where(eq(users.id, user.id));
    // Whoever may have held a session before 2FA was on must pass it now.
    return deleteSessionsOfUser(tx, user.id, { exceptTokenHash: session.tokenHash });
  });
  await recordActorEvent(db, current, "sign_in_codes.enabled", { targetUserId: user.id });
  return ended;
}

/** Sign-in starts with `method`; false when the user cannot use that method. */
export async function setOwnPreferredMethod(current: CurrentSession, method: SecondFactorMethod): Promise<boolean> {
  const db = getDb();
  if (!(await twoFactorStateOfUser(db, current.user.id)).methods.includes(method)) return false;
  await db.update(users).set({ preferredTwoFactorMethod: method }).where(eq(users.id, current.user.id));
  await recordActorEvent(db, current, "preferred_method.changed", {
    targetUserId: current.user.id,
    details: { method },
  });
  return true;
}

/** A code by email to confirm turning 2FA off. */
export async function sendOwnConfirmationCode(current: CurrentSession) {
  return sendSecondFactorCode(getDb(), {
    userId: current.user.id,
    sessionTokenHash: current.session.tokenHash,
    context: current.context,
    byEmail: true,
  });
}
