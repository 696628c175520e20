import "server-only";
import { getDb } from "@/db";
import { recordActorEvent } from "@/lib/audit";
import type { FormState } from "@/lib/action";
import { confirmCurrentPassword } from "@/lib/auth/confirm-password";
import type { CurrentSession } from "@/lib/auth/guards";
import { deleteSession } from "@/lib/auth/sessions";
import { handledByIdentityProvider } from "@/lib/auth/sso";
import { pendingRequestOfUser } from "@/lib/recovery/requests";
import { beginDuoPrompt } from "@/lib/two-factor/duo/prompt";
import { startingMethod, type SecondFactorMethod } from "@/lib/two-factor/policy/methods";
import { twoFactorStateOfUser } from "@/lib/two-factor/policy/user-state";
import { liveCode } from "@/lib/two-factor/sent-codes/codes";
import { planSecondFactorDelivery } from "@/lib/two-factor/sent-codes/delivery";
import {
  challengeMethods,
  codeNotice,
  codeRecipientOf,
  type CodeNotice,
} from "@/lib/two-factor/sent-codes/sign-in-recipient";
import { secondFactorLimitKey, secondFactorLock } from "@/lib/two-factor/sign-in/factor-lock";
import { lockedUntilNow } from "@/lib/auth/attempt-limiter";

/*
 * What the sign-in steps read and write: signing out, the second step's
 * screen, Duo's start, confirming access. Each function takes the session
 * it acts for and reads only that session's own user.
 */

/** Signs this session out, with its audit event; the cookie is the caller's. */
export async function endCurrentSession(current: CurrentSession, reason?: "invitation_accepted"): Promise<void> {
  const db = getDb();
  await deleteSession(db, current.token);
  await recordActorEvent(db, current, "session.ended", {
    targetUserId: current.user.id,
    ...(reason ? { details: { reason } } : {}),
  });
}

/** Whether Duo is one of the user's second factors now. */
export async function hasDuo(current: CurrentSession): Promise<boolean> {
  return (await twoFactorStateOfUser(getDb(), current.user.id)).methods.includes("duo");
}

/**
 * Right after the password, for a sign-in that starts with Duo: where to go
 * next (Duo's prompt, or back to the second step, with why).
 */
export async function duoSignInStartPath(current: CurrentSession): Promise<string> {
  const db = getDb();
  if (!(await twoFactorStateOfUser(db, current.user.id)).methods.includes("duo")) return "/login/two-factor";
  const started = await beginDuoPrompt(db, {
    user: current.user,
    sessionTokenHash: current.session.tokenHash,
    purpose: "sign_in",
    rememberBrowser: false,
  });
  if (!started.ok) {
    await recordActorEvent(db, current, "duo_connection.failed", {
      targetUserId: current.user.id,
      details: { reason: started.reason },
    });
    return `/login/two-factor?method=duo&duo=${started.reason}`;
  }
  return started.url;
}

export type SecondFactorScreen =
  /** Locked by the cap of consecutive failures: only a recovery code or an administrator opens it. */
  | { locked: "until_unlocked" }
  /** Held back by the failure window until `until`: nothing is checked before then, not even a recovery code. */
  | { locked: "for_a_while"; until: Date }
  | {
      locked: false;
      /** The method shown, or null when none of the user's factors is allowed now. */
      method: SecondFactorMethod | null;
      otherMethods: SecondFactorMethod[];
      codesBarredByReset: boolean;
      /** Where a sent code went, when the code step is shown. */
      notice: CodeNotice | null;
      /** How "send me a code instead" would send it, when that is offered. */
      codeChannel: "sms" | "email" | null;
      /** Only a passkey or security key, or a recovery code, is accepted (the page says why). */
      phishingResistantOnly: boolean;
    };

/** The second step of signing in as `requested` (a query parameter, trusted only when it is one of the user's methods). */
export async function secondFactorScreen(
  current: CurrentSession,
  requested: string | string[] | undefined,
): Promise<SecondFactorScreen> {
  const db = getDb();
  const { user, session } = current;
  if (await secondFactorLock(db, user.id)) return { locked: "until_unlocked" };
  const until = await lockedUntilNow(db, await secondFactorLimitKey(db, user.id));
  if (until) return { locked: "for_a_while", until };
  const { methods, preferredMethod, codesBarredByReset, phishingResistantOnly } = await challengeMethods(db, user.id);
  const method = methods.find((candidate) => candidate === requested) ?? startingMethod(methods, preferredMethod);
  const notice =
    method === "code" ? await codeNotice(db, { userId: user.id, sessionTokenHash: session.tokenHash }) : null;
  const otherMethods = methods.filter((candidate): candidate is SecondFactorMethod => candidate !== method);
  const recipient = otherMethods.includes("code") ? await codeRecipientOf(db, user.id) : null;
  const codeChannel = recipient ? planSecondFactorDelivery(recipient).channel : null;
  return { locked: false, method, otherMethods, codesBarredByReset, notice, codeChannel, phishingResistantOnly };
}

export type PendingRecoveryRequest = { createdAt: Date; expiresAt: Date };

/** The user's own recovery request awaiting an administrator, if any. */
export async function pendingRecoveryRequest(current: CurrentSession): Promise<PendingRecoveryRequest | null> {
  const pending = await pendingRequestOfUser(getDb(), current.user.organisationId, current.user.id);
  return pending ? { createdAt: pending.createdAt, expiresAt: pending.expiresAt } : null;
}

export type ConfirmAccessScreen = {
  /** Confirmed at the organisation's identity provider. */
  sso: boolean;
  hasFactor: boolean;
  methods: SecondFactorMethod[];
  /** A code sent to this session is waiting to be typed. */
  codeWaiting: boolean;
};

/** What /confirm-access offers this session's user. */
export async function confirmAccessScreen(current: CurrentSession): Promise<ConfirmAccessScreen> {
  const db = getDb();
  const state = await twoFactorStateOfUser(db, current.user.id);
  return {
    sso: handledByIdentityProvider(state.requirement),
    hasFactor: state.hasFactor,
    methods: state.methods,
    codeWaiting: Boolean(
      await liveCode(db, {
        userId: current.user.id,
        sessionTokenHash: current.session.tokenHash,
        purpose: "second_factor",
      }),
    ),
  };
}

/** The password, before confirming access with Duo: the form error, or null (with the attempt limit of every password check). */
export async function confirmPasswordForDuo(current: CurrentSession, password: string): Promise<FormState | null> {
  return confirmCurrentPassword(getDb(), current.user, password, current.context, "password");
}

/** Whether the user confirms access at their identity provider rather than here. */
export async function confirmsAtIdentityProvider(current: CurrentSession): Promise<boolean> {
  return handledByIdentityProvider((await twoFactorStateOfUser(getDb(), current.user.id)).requirement);
}

/** What the welcome after an accepted invitation names as the next step. */
export type WelcomeNextStep = "set_up_authenticator" | "may_turn_on" | "none";

/**
 * The next step for someone just signed in for the first time: an
 * authenticator app when emailed codes are all they have (the fallback of a
 * required 2FA), turning 2FA on when it is theirs to choose, else nothing.
 */
export async function welcomeNextStep(current: CurrentSession): Promise<WelcomeNextStep> {
  const { requirement, methods, codesTurnedOn } = await twoFactorStateOfUser(getDb(), current.user.id);
  if (handledByIdentityProvider(requirement)) return "none";
  if (methods.length === 1 && methods[0] === "code" && !codesTurnedOn) return "set_up_authenticator";
  if (methods.length === 0 && requirement.level === "optional") return "may_turn_on";
  return "none";
}
