import type { Db } from "@/db";
import { beginAttempt, type LimitKey } from "@/lib/auth/attempt-limiter";

/*
 * "Test connection" sends a signed request from this server to the host in
 * the form each time it is pressed. Ten presses in ten minutes per
 * organisation is plenty to fix a typo, and keeps a stolen administrator
 * session (or a stuck button) from turning Twofold into a request pump
 * against Duo or the allow-listed hosts (OWASP ASVS 5.0 V2.4.1: anti-automation
 * against excessive calls to a costly function).
 */
export const CONNECTION_TESTS_PER_WINDOW = 10;
export const CONNECTION_TEST_WINDOW_MS = 10 * 60 * 1000;

export function connectionTestKey(organisationId: number): LimitKey {
  return {
    scope: "duo_connection_test",
    key: `organisation:${organisationId}`,
    limit: CONNECTION_TESTS_PER_WINDOW,
    windowMs: CONNECTION_TEST_WINDOW_MS,
  };
}

/**
 * Counts one press, whatever Duo answers (every press is a call out), or
 * says when the next is allowed. Counted in the same transaction as the
 * check, so a burst of presses cannot all slip through.
 */
export async function beginConnectionTest(
  db: Db,
  organisationId: number,
  now = new Date(),
): Promise<{ allowed: true } | { allowed: false; retryAt: Date }> {
  const attempt = await beginAttempt(db, [connectionTestKey(organisationId)], now);
  return attempt.allowed ? { allowed: true } : { allowed: false, retryAt: attempt.retryAt };
}
