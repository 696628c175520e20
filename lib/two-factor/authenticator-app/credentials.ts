import { changedRows, type Db, type Executor } from "@/db";
import { and, eq, isNotNull, isNull, or, lt, sql } from "drizzle-orm";
import { recoveryCodes, totpCredentials, users } from "@/db/schema";
import { totpSecretBinding } from "@/lib/keys/bindings";
import type { KeyRing } from "@/lib/keys/key-ring";
import { decryptSecret, encryptSecret } from "@/lib/keys/secrets";
import { replaceRecoveryCodes } from "@/lib/two-factor/recovery-codes/codes";
import { matchTotpStep } from "@/lib/two-factor/authenticator-app/totp";
import { forgetTrustedBrowsersOfUser } from "@/lib/two-factor/sign-in/trusted-browsers";
import { generateTotpSecret } from "@/lib/two-factor/authenticator-app/totp";
import { beginAttempt, forgiveAttempt } from "@/lib/auth/attempt-limiter";
import { secondFactorLimitKey } from "@/lib/two-factor/sign-in/factor-lock";

/** How long a started enrolment waits for its first code. */
export const ENROLMENT_LIFETIME_MS = 30 * 60 * 1000;

export async function hasConfirmedAuthenticator(db: Executor, userId: number): Promise<boolean> {
  return Boolean(
    (
      await db
        .select({ userId: totpCredentials.userId })
        .from(totpCredentials)
        .where(and(eq(totpCredentials.userId, userId), isNotNull(totpCredentials.confirmedAt)))
    )[0],
  );
}

/** SQL for queries over `users`: hasConfirmedAuthenticator for each row, in the same query. */
export const hasConfirmedAuthenticatorSql = sql<number>`exists (
  select 1 from "totp_credentials"
  where "totp_credentials"."user_id" = "users"."id" and "totp_credentials"."confirmed_at" is not null
)`;

/**
 * Starts (or restarts) enrolment with a fresh secret, stored encrypted and
 * unconfirmed: it protects nothing until a code from it is verified.
 */
export async function startAuthenticatorEnrolment(
  db: Db,
  userId: number,
  keys: KeyRing,
  now = new Date(),
): Promise<{ ok: true; secret: string } | { ok: false; reason: "already_enabled" }> {
  if (await hasConfirmedAuthenticator(db, userId)) return { ok: false, reason: "already_enabled" };
  const secret = generateTotpSecret();
  const secretEncrypted = encryptSecret(secret, totpSecretBinding(userId), keys);
  await db
    .insert(totpCredentials)
    .values({ userId, secretEncrypted, createdAt: now })
    // Never over a confirmed secret, even if one was confirmed a moment ago.
    .onConflictDoUpdate({
      target: totpCredentials.userId,
      set: { secretEncrypted, createdAt: now, lastUsedStep: null },
      setWhere: isNull(totpCredentials.confirmedAt),
    });
  return { ok: true, secret };
}

export type EnrolmentConfirmation =
  | { ok: true; recoveryCodes: string[] }
  | { ok: false; reason: "not_started" | "expired" | "wrong_code" }
  | { ok: false; reason: "locked"; retryAt: Date };

/** Turns 2FA on once the user proves their app makes the right codes; returns the recovery codes to show once. */
export async function confirmAuthenticatorEnrolment(
  db: Db,
  userId: number,
  code: string,
  keys: KeyRing,
  now = new Date(),
): Promise<EnrolmentConfirmation> {
  const pending = (
    await db
      .select()
      .from(totpCredentials)
      .where(and(eq(totpCredentials.userId, userId), isNull(totpCredentials.confirmedAt)))
  )[0];
  if (!pending) return { ok: false, reason: "not_started" };
  if (now.getTime() - pending.createdAt.getTime() > ENROLMENT_LIFETIME_MS) return { ok: false, reason: "expired" };
  // Guesses against a pending secret count like guesses at sign-in.
  const limitKey = await secondFactorLimitKey(db, userId);
  const attempt = await beginAttempt(db, [limitKey], now);
  if (!attempt.allowed) return { ok: false, reason: "locked", retryAt: attempt.retryAt };
  const step = await matchTotpStep(decryptSecret(pending.secretEncrypted, totpSecretBinding(userId), keys), code, {
    now,
  });
  if (step === null) return { ok: false, reason: "wrong_code" };
  await forgiveAttempt(db, attempt);
  return db.transaction(async (tx) => {
    // Confirms exactly the secret the code was checked against, not one a
    // restarted enrolment put there in the meantime.
    const confirmed = await tx
      .update(totpCredentials)
      .set({ confirmedAt: now, lastUsedStep: step })
      .where(
        and(
          eq(totpCredentials.userId, userId),
          isNull(totpCredentials.confirmedAt),
          eq(totpCredentials.secretEncrypted, pending.secretEncrypted),
        ),
      );
    if (changedRows(confirmed) !== 1) return { ok: false, reason: "not_started" } as const;
    return { ok: true, recoveryCodes: await replaceRecoveryCodes(tx, userId, keys, now) } as const;
  });
}

/**
 * Accepts a code from the user's confirmed app, at most once per 30-second
 * step. Recording the step is a compare-and-set, so two requests racing with
 * one valid code cannot both pass.
 */
export async function verifyAuthenticatorCode(
  db: Db,
  userId: number,
  code: string,
  keys: KeyRing,
  now = new Date(),
): Promise<boolean> {
  const credential = (
    await db
      .select()
      .from(totpCredentials)
      .where(and(eq(totpCredentials.userId, userId), isNotNull(totpCredentials.confirmedAt)))
  )[0];
  if (!credential) return false;
  const step = await matchTotpStep(decryptSecret(credential.secretEncrypted, totpSecretBinding(userId), keys), code, {
    now,
    afterStep: credential.lastUsedStep,
  });
  if (step === null) return false;
  const recorded = await db
    .update(totpCredentials)
    .set({ lastUsedStep: step })
    .where(
      and(
        eq(totpCredentials.userId, userId),
        isNotNull(totpCredentials.confirmedAt),
        or(isNull(totpCredentials.lastUsedStep), lt(totpCredentials.lastUsedStep, step)),
      ),
    );
  return changedRows(recorded) === 1;
}

/** Turns 2FA off: the secret, recovery codes, codes by SMS/email, Duo and remembered browsers all go. */
export async function removeSecondFactors(db: Executor, userId: number): Promise<void> {
  await db.delete(totpCredentials).where(eq(totpCredentials.userId, userId));
  // The lock of the factors that are gone goes with them: the next ones start with a clean count.
  await db
    .update(users)
    .set({
      codesEnabledAt: null,
      duoEnabledAt: null,
      preferredTwoFactorMethod: null,
      secondFactorConsecutiveFailures: 0,
      secondFactorLockedAt: null,
    })
    .where(eq(users.id, userId));
  await db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
  await forgetTrustedBrowsersOfUser(db, userId);
}
