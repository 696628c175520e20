import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { users } from "@/db/schema";
import { recordAuditEvent } from "@/lib/audit";
import { hashPassword, passwordNeedsRehash, verifyPassword } from "@/lib/auth/passwords";
import { beginAttempt, forgiveAttempt, type LimitKey } from "@/lib/auth/attempt-limiter";
import type { RequestContext } from "@/lib/request-context";

export type PasswordSignInResult =
  | { ok: true; user: { id: number; email: string; name: string; organisationId: number } }
  /** Unknown email and wrong password are one outcome, so the answer reveals no accounts. */
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "throttled"; retryAt: Date }
  /** Told only to someone who knows the password. */
  | { ok: false; reason: "disabled" | "api_account" };

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function findUserByEmail(db: Db, email: string) {
  return db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      organisationId: users.organisationId,
      passwordHash: users.passwordHash,
      disabledAt: users.disabledAt,
      isApiAccount: users.isApiAccount,
    })
    .from(users)
    .where(eq(sql`lower(${users.email})`, normaliseEmail(email)))
    .get();
}

export type PasswordCheck = { outcome: "correct" } | { outcome: "wrong" } | { outcome: "throttled"; retryAt: Date };

/**
 * Verifies a password under the failure limits. Every place that accepts a
 * password (signing in, changing it) goes through here, so none of them can
 * be used to guess faster than the others allow.
 */
export async function checkPassword(
  db: Db,
  input: { email: string; ip: string | null; passwordHash: string | null | undefined; password: string },
  now = new Date(),
): Promise<PasswordCheck> {
  const account: LimitKey = { scope: "account", key: normaliseEmail(input.email) };
  const keys: LimitKey[] = input.ip ? [account, { scope: "ip", key: input.ip }] : [account];
  const attempt = beginAttempt(db, keys, now);
  if (!attempt.allowed) return { outcome: "throttled", retryAt: attempt.retryAt };
  if (!(await verifyPassword(input.passwordHash, input.password))) return { outcome: "wrong" };
  // The account's earlier failures are forgiven; the address's are not.
  forgiveAttempt(db, attempt, [account]);
  return { outcome: "correct" };
}

/** The password step of signing in: throttling, verification and its audit trail. */
export async function signInWithPassword(
  db: Db,
  input: { email: string; password: string; context: RequestContext },
  now = new Date(),
): Promise<PasswordSignInResult> {
  const email = normaliseEmail(input.email);
  const { context } = input;
  const user = findUserByEmail(db, email);
  const organisationId = user?.organisationId ?? null;

  const check = await checkPassword(db, { email, ip: context.ip, passwordHash: user?.passwordHash, password: input.password }, now);
  if (check.outcome === "throttled") {
    recordAuditEvent(db, {
      type: "sign_in.throttled",
      organisationId,
      targetUserId: user?.id,
      context,
      details: { email },
      at: now,
    });
    return { ok: false, reason: "throttled", retryAt: check.retryAt };
  }
  if (!user || check.outcome === "wrong") {
    recordAuditEvent(db, {
      type: "sign_in.failed",
      organisationId,
      targetUserId: user?.id,
      context,
      details: { email, reason: user ? "wrong_password" : "unknown_email" },
      at: now,
    });
    return { ok: false, reason: "invalid" };
  }

  const refusal = user.disabledAt ? "disabled" : user.isApiAccount ? "api_account" : null;
  if (refusal) {
    recordAuditEvent(db, {
      type: "sign_in.refused",
      organisationId,
      targetUserId: user.id,
      context,
      details: { reason: refusal },
      at: now,
    });
    return { ok: false, reason: refusal };
  }

  const upgradedHash =
    user.passwordHash && passwordNeedsRehash(user.passwordHash) ? await hashPassword(input.password) : undefined;
  db.update(users)
    .set({ lastSignInAt: now, ...(upgradedHash ? { passwordHash: upgradedHash } : {}) })
    .where(eq(users.id, user.id))
    .run();
  recordAuditEvent(db, {
    type: "sign_in.succeeded",
    organisationId,
    actorUserId: user.id,
    targetUserId: user.id,
    context,
    at: now,
  });
  return {
    ok: true,
    user: { id: user.id, email: user.email, name: user.name, organisationId: user.organisationId },
  };
}
