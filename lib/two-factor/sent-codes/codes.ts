import { changedRows, type Db } from "@/db";
import crypto from "node:crypto";
import { and, count, desc, eq, gt, isNull, lt, ne, or, sql } from "drizzle-orm";
import { oneTimeCodes, type OneTimeCode, type OneTimeCodePurpose } from "@/db/schema";
import { keyedHash, verifyKeyedHash } from "@/lib/keys/keyed-hash";
import type { KeyRing } from "@/lib/keys/key-ring";
import { normaliseSixDigitCode } from "@/lib/two-factor/authenticator-app/totp";
import { timestampValue } from "@/db/portable-sql";

/*
 * Six-digit codes sent by SMS or email: issued under the send limits, stored
 * as keyed hashes, bound to one session, spent once.
 */

export const CODE_LIFETIME_MS = 2 * 60 * 1000;
export const RESEND_COOLDOWN_MS = 30 * 1000;
export const SENDS_PER_ACCOUNT = 5;
export const SEND_WINDOW_MS = 15 * 60 * 1000;
export const SMS_LIMIT_WINDOW_MS = 60 * 60 * 1000;
/** Wrong entries that void a code; the user's second-factor lockout counts them as well. */
export const WRONG_ENTRIES_PER_CODE = 5;

export type Channel = "sms" | "email";
type CodeBinding = { userId: number; sessionTokenHash: string; purpose: OneTimeCodePurpose };

export function generateCode(): string {
  return String(crypto.randomInt(0, 1_000_000)).padStart(6, "0");
}

/** Keyed and bound to the session and purpose: a leaked table gives nothing to test a million guesses against. */
function hashInput({ sessionTokenHash, purpose }: CodeBinding, code: string): string {
  return `one-time-code:${purpose}:${sessionTokenHash}:${code}`;
}

export type SendPlan = {
  channel: Channel;
  destination: string;
  /** Where the code may go instead when the organisation's SMS limit is reached; none: refuse. */
  emailFallback: string | null;
};

export type IssuedCode = {
  id: number;
  code: string;
  channel: Channel;
  destination: string;
  fallbackReason: "sms_limit" | null;
};

export type IssueRefusal =
  | { reason: "cooldown"; retryAt: Date }
  | { reason: "too_many"; retryAt: Date }
  /** The organisation's hourly SMS limit is reached and the code may not go by email instead. */
  | { reason: "sms_limit" };

export type IssueResult = ({ ok: true } & IssuedCode) | ({ ok: false } & IssueRefusal);

/**
 * Issues a code under the send limits, in one transaction: the 30-second
 * cooldown and the per-account limit count every code the user was sent,
 * for any purpose and session; the organisation's SMS limit counts every
 * text message attempted. The row is the send: it is counted whether or not
 * delivery then succeeds. Once delivered, it voids the session's earlier
 * codes (`voidEarlierCodes`).
 */
export async function issueCode(
  db: Db,
  input: CodeBinding & { organisationId: number; plan: SendPlan; smsHourlyLimit: number; keys: KeyRing; now?: Date },
): Promise<IssueResult> {
  const now = input.now ?? new Date();
  return await db.transaction(
    async (tx): Promise<IssueResult> => {
      const recentSends = await tx
        .select({ createdAt: oneTimeCodes.createdAt })
        .from(oneTimeCodes)
        .where(
          and(
            eq(oneTimeCodes.userId, input.userId),
            gt(oneTimeCodes.createdAt, new Date(now.getTime() - SEND_WINDOW_MS)),
          ),
        )
        .orderBy(desc(oneTimeCodes.createdAt))
        .limit(SENDS_PER_ACCOUNT);
      const latest = recentSends[0];
      if (latest && now.getTime() - latest.createdAt.getTime() < RESEND_COOLDOWN_MS) {
        return { ok: false, reason: "cooldown", retryAt: new Date(latest.createdAt.getTime() + RESEND_COOLDOWN_MS) };
      }
      const oldestCounted = recentSends[SENDS_PER_ACCOUNT - 1];
      if (oldestCounted)
        return { ok: false, reason: "too_many", retryAt: new Date(oldestCounted.createdAt.getTime() + SEND_WINDOW_MS) };

      let { channel, destination } = input.plan;
      let fallbackReason: IssuedCode["fallbackReason"] = null;
      if (channel === "sms" && (await smsSentThisHour(tx, input.organisationId, now)) >= input.smsHourlyLimit) {
        if (!input.plan.emailFallback) return { ok: false, reason: "sms_limit" };
        [channel, destination, fallbackReason] = ["email", input.plan.emailFallback, "sms_limit"];
      }

      // Rows older than every window have done their counting.
      await tx
        .delete(oneTimeCodes)
        .where(
          and(
            eq(oneTimeCodes.userId, input.userId),
            lt(oneTimeCodes.createdAt, new Date(now.getTime() - SMS_LIMIT_WINDOW_MS)),
          ),
        );
      const code = generateCode();
      const { id } = (
        await tx
          .insert(oneTimeCodes)
          .values({
            userId: input.userId,
            organisationId: input.organisationId,
            purpose: input.purpose,
            sessionTokenHash: input.sessionTokenHash,
            codeHash: keyedHash(input.keys, "one-time-code", hashInput(input, code)),
            channel,
            destination,
            fallbackReason,
            createdAt: now,
            expiresAt: new Date(now.getTime() + CODE_LIFETIME_MS),
          })
          .returning({ id: oneTimeCodes.id })
      )[0]!;
      return { ok: true, id, code, channel, destination, fallbackReason };
      // Immediate: with several server processes, the limit check and the insert must not interleave.
    },
    { behavior: "immediate" },
  );
}

/**
 * A new code has been delivered: the session's earlier codes stop working.
 * Not before delivery, so a failed send never costs the user a code that works.
 */
export async function voidEarlierCodes(db: Db, binding: CodeBinding, keptId: number, now = new Date()): Promise<void> {
  await db
    .update(oneTimeCodes)
    .set({ voidedAt: now })
    .where(and(...pendingCodeConditions(binding), ne(oneTimeCodes.id, keptId)));
}

async function smsSentThisHour(db: Pick<Db, "select">, organisationId: number, now: Date): Promise<number> {
  const row = (
    await db
      .select({ sent: count() })
      .from(oneTimeCodes)
      .where(
        and(
          eq(oneTimeCodes.organisationId, organisationId),
          gt(oneTimeCodes.createdAt, new Date(now.getTime() - SMS_LIMIT_WINDOW_MS)),
          // An SMS that failed and fell back to email was still attempted.
          or(eq(oneTimeCodes.channel, "sms"), eq(oneTimeCodes.fallbackReason, "sms_failed")),
        ),
      )
  )[0];
  return row?.sent ?? 0;
}

/** This user's codes for this session and purpose. */
function boundTo(binding: CodeBinding) {
  return [
    eq(oneTimeCodes.sessionTokenHash, binding.sessionTokenHash),
    eq(oneTimeCodes.purpose, binding.purpose),
    eq(oneTimeCodes.userId, binding.userId),
  ];
}

/** Neither used nor voided: the code a session is waiting for, expired or not. */
function pendingCodeConditions(binding: CodeBinding) {
  return [...boundTo(binding), isNull(oneTimeCodes.usedAt), isNull(oneTimeCodes.voidedAt)];
}

function liveCodeConditions(binding: CodeBinding, now: Date) {
  return [...pendingCodeConditions(binding), gt(oneTimeCodes.expiresAt, now)];
}

/** The SMS did not go: the code went by email instead. */
export async function recordEmailFallback(db: Db, id: number, email: string): Promise<void> {
  await db
    .update(oneTimeCodes)
    .set({ channel: "email", destination: email, fallbackReason: "sms_failed" })
    .where(eq(oneTimeCodes.id, id));
}

/** Delivery failed on every channel: the code can never be typed, so it must not be checked either. */
export async function voidCode(db: Db, id: number, now = new Date()): Promise<void> {
  await db.update(oneTimeCodes).set({ voidedAt: now }).where(eq(oneTimeCodes.id, id));
}

/** The code a session is waiting for, to say where it went; null when there is none it could still use. */
export async function liveCode(db: Db, binding: CodeBinding, now = new Date()): Promise<OneTimeCode | null> {
  return (
    (
      await db
        .select()
        .from(oneTimeCodes)
        .where(and(...liveCodeConditions(binding, now)))
        .orderBy(desc(oneTimeCodes.id))
        .limit(1)
    )[0] ?? null
  );
}

/** Whether this session was ever sent a code for `purpose` (to tell "expired" from "never sent"). */
export async function lastCodeOf(db: Db, binding: CodeBinding): Promise<OneTimeCode | null> {
  return (
    (
      await db
        .select()
        .from(oneTimeCodes)
        .where(and(...boundTo(binding)))
        .orderBy(desc(oneTimeCodes.id))
        .limit(1)
    )[0] ?? null
  );
}

export type CodeCheck =
  | { ok: true; destination: string; channel: Channel }
  | { ok: false; reason: "no_code" | "expired" | "wrong"; voided: boolean };

/**
 * Spends the session's code if `input` matches it. The update that spends it
 * is conditional, so two requests racing with the right code cannot both
 * pass; a wrong entry counts against the code, and the fifth voids it.
 */
export async function checkCode(
  db: Db,
  input: CodeBinding & { code: string; keys: KeyRing; now?: Date },
): Promise<CodeCheck> {
  const now = input.now ?? new Date();
  const pending = (
    await db
      .select()
      .from(oneTimeCodes)
      .where(and(...pendingCodeConditions(input)))
      .orderBy(desc(oneTimeCodes.id))
      .limit(1)
  )[0];
  if (!pending) return { ok: false, reason: "no_code", voided: false };
  if (pending.expiresAt <= now) return { ok: false, reason: "expired", voided: false };

  const code = normaliseSixDigitCode(input.code);
  if (code && verifyKeyedHash(input.keys, "one-time-code", hashInput(input, code), pending.codeHash)) {
    const spent = await db
      .update(oneTimeCodes)
      .set({ usedAt: now })
      .where(and(eq(oneTimeCodes.id, pending.id), isNull(oneTimeCodes.usedAt), isNull(oneTimeCodes.voidedAt)));
    if (changedRows(spent) === 1) return { ok: true, destination: pending.destination, channel: pending.channel };
  }
  const counted = (
    await db
      .update(oneTimeCodes)
      .set({
        failures: sql`${oneTimeCodes.failures} + 1`,
        voidedAt: sql`case when ${oneTimeCodes.failures} + 1 >= ${WRONG_ENTRIES_PER_CODE} then ${timestampValue(now)} else ${oneTimeCodes.voidedAt} end`,
      })
      .where(eq(oneTimeCodes.id, pending.id))
      .returning({ voidedAt: oneTimeCodes.voidedAt })
  )[0];
  return { ok: false, reason: "wrong", voided: Boolean(counted?.voidedAt) };
}
