import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { organisations, users } from "@/db/schema";
import type { RequestContext } from "@/lib/request-context";
import {
  maskDestination,
  planSecondFactorDelivery,
  sendOneTimeCode,
  type CodeRecipient,
  type SendOutcome,
} from "@/lib/two-factor/sent-codes/delivery";
import { secondFactorLock } from "@/lib/two-factor/sign-in/factor-lock";
import { phishingResistantOnly, startingMethod, type SecondFactorMethod } from "@/lib/two-factor/policy/methods";
import { lastCodeOf, liveCode, type Channel, type SendPlan } from "@/lib/two-factor/sent-codes/codes";
import { twoFactorStateOfUser } from "@/lib/two-factor/policy/user-state";
import { describeErrorForLog } from "@/lib/messaging/redact";

/*
 * Codes as a second factor at sign-in (and to confirm changes while signed
 * in): sending one to the session that asked, and telling the page where it went.
 */

export type SignInCodeRecipient = CodeRecipient & { organisationName: string; passwordResetByEmailAt: Date | null };

export async function codeRecipientOf(db: Db, userId: number): Promise<SignInCodeRecipient | null> {
  return (
    (
      await db
        .select({
          id: users.id,
          organisationId: users.organisationId,
          email: users.email,
          name: users.name,
          mobileNumber: users.mobileNumber,
          mobileVerifiedAt: users.mobileVerifiedAt,
          codeDelivery: users.codeDelivery,
          organisationName: organisations.name,
          passwordResetByEmailAt: users.passwordResetByEmailAt,
        })
        .from(users)
        .innerJoin(organisations, eq(organisations.id, users.organisationId))
        .where(eq(users.id, userId))
    )[0] ?? null
  );
}

/**
 * How a sign-in code would reach the user, or null when none may. After a
 * password reset through an emailed link, until a sign-in completes, the
 * mailbox has just proved the password: a code sent to it would make it both
 * factors (Keycloak #12759; NIST SP 800-63B-4 §4.2, ASVS 5.0 V6.4.3). A
 * text message may still go, without its fallback to email.
 */
export function signInCodePlan(recipient: SignInCodeRecipient, byEmail = false): SendPlan | null {
  const plan: SendPlan = byEmail
    ? { channel: "email", destination: recipient.email, emailFallback: null }
    : planSecondFactorDelivery(recipient);
  if (!recipient.passwordResetByEmailAt) return plan;
  return plan.channel === "email" ? null : { ...plan, emailFallback: null };
}

/** The methods the sign-in challenge offers: the user's, less codes that could only go to a mailbox that just reset the password. */
export async function challengeMethods(
  db: Db,
  userId: number,
  now?: Date,
): Promise<{
  methods: SecondFactorMethod[];
  preferredMethod: SecondFactorMethod | null;
  codesBarredByReset: boolean;
  /** Only a passkey or security key (or a recovery code) is accepted from this user. */
  phishingResistantOnly: boolean;
}> {
  const state = await twoFactorStateOfUser(db, userId, now);
  const { methods, preferredMethod } = state;
  const strict = phishingResistantOnly(state.requirement);
  if (!methods.includes("code"))
    return { methods, preferredMethod, codesBarredByReset: false, phishingResistantOnly: strict };
  const recipient = await codeRecipientOf(db, userId);
  if (recipient && signInCodePlan(recipient))
    return { methods, preferredMethod, codesBarredByReset: false, phishingResistantOnly: strict };
  return {
    methods: methods.filter((method) => method !== "code"),
    preferredMethod: preferredMethod === "code" ? null : preferredMethod,
    codesBarredByReset: true,
    phishingResistantOnly: strict,
  };
}

type SessionInput = {
  userId: number;
  sessionTokenHash: string;
  context: RequestContext;
  /** Send by email whatever the user's delivery setting (to confirm a change while signed in). */
  byEmail?: boolean;
  now?: Date;
};

/** Sends a second-factor code for this session, if codes are one of the user's methods. */
export async function sendSecondFactorCode(
  db: Db,
  input: SessionInput,
): Promise<SendOutcome | { ok: false; reason: "not_allowed" | "factor_locked" | "barred_by_reset" }> {
  const { methods } = await twoFactorStateOfUser(db, input.userId, input.now);
  const recipient = await codeRecipientOf(db, input.userId);
  if (!recipient || !methods.includes("code")) return { ok: false, reason: "not_allowed" };
  const plan = signInCodePlan(recipient, input.byEmail);
  if (!plan) return { ok: false, reason: "barred_by_reset" };
  // A locked factor takes no code, so none is sent (nor paid for).
  if (await secondFactorLock(db, input.userId)) return { ok: false, reason: "factor_locked" };
  return sendOneTimeCode(db, {
    user: recipient,
    organisation: { name: recipient.organisationName },
    sessionTokenHash: input.sessionTokenHash,
    purpose: "second_factor",
    plan,
    context: input.context,
    now: input.now,
  });
}

/**
 * Right after the password: when the challenge will open on codes, the code
 * is sent at once, so the user finds it waiting. Never throws: a failure
 * leaves the page to offer "Send a new code".
 */
export async function sendCodeIfChallengeStartsWithIt(db: Db, input: SessionInput): Promise<void> {
  try {
    const { methods, preferredMethod } = await challengeMethods(db, input.userId, input.now);
    if (startingMethod(methods, preferredMethod) === "code") await sendSecondFactorCode(db, input);
  } catch (error) {
    console.error("Twofold: could not send the sign-in code:", describeErrorForLog(error));
  }
}

export type CodeNotice =
  | { state: "waiting"; channel: Channel; maskedDestination: string; fallback: "sms_failed" | "sms_limit" | null }
  | { state: "expired" | "used_up" }
  | { state: "none" };

/** Where the session's code went, for the page to say; never the code itself. */
export async function codeNotice(
  db: Db,
  binding: { userId: number; sessionTokenHash: string },
  now = new Date(),
): Promise<CodeNotice> {
  const key = { ...binding, purpose: "second_factor" as const };
  const live = await liveCode(db, key, now);
  if (live) {
    return {
      state: "waiting",
      channel: live.channel,
      maskedDestination: maskDestination(live.channel, live.destination),
      fallback: live.fallbackReason,
    };
  }
  const last = await lastCodeOf(db, key);
  if (last?.voidedAt && last.failures > 0) return { state: "used_up" };
  if (last && !last.voidedAt && !last.usedAt && last.expiresAt <= now) return { state: "expired" };
  return { state: "none" };
}
