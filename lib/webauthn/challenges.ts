import { and, eq, gt, isNull, lte } from "drizzle-orm";
import type { Executor } from "@/db";
import { webauthnChallenges, type WebauthnChallengePurpose } from "@/db/schema";
import { hashToken } from "@/lib/crypto";

/**
 * Two minutes from options to answer: long enough to touch a key or unlock a
 * phone, short enough that a challenge lying around is worth little
 * (WebAuthn Level 3 §13.4.3: challenges random, single-use, short-lived).
 */
export const CHALLENGE_LIFETIME_MS = 2 * 60 * 1000;

export type ChallengeBinding = {
  purpose: WebauthnChallengePurpose;
  /** The hash of what asked for it: the session token, or the passwordless cookie. */
  bindingHash: string;
};

/**
 * Stores a challenge the library generated (only its hash), for one purpose
 * and one binding. Earlier unused challenges of the same binding and purpose
 * are dropped, so a binding holds one open challenge per purpose at most; and
 * expired challenges of anyone are purged on the way.
 */
export async function storeChallenge(
  db: Executor,
  input: ChallengeBinding & { challenge: string; userId: number | null; now?: Date },
): Promise<void> {
  const now = input.now ?? new Date();
  await db.delete(webauthnChallenges).where(lte(webauthnChallenges.expiresAt, now));
  await db
    .delete(webauthnChallenges)
    .where(
      and(
        eq(webauthnChallenges.bindingHash, input.bindingHash),
        eq(webauthnChallenges.purpose, input.purpose),
        isNull(webauthnChallenges.usedAt),
      ),
    );
  await db.insert(webauthnChallenges).values({
    challengeHash: hashToken(input.challenge),
    purpose: input.purpose,
    bindingHash: input.bindingHash,
    userId: input.userId,
    createdAt: now,
    expiresAt: new Date(now.getTime() + CHALLENGE_LIFETIME_MS),
  });
}

/**
 * Uses a challenge up, in one conditional update: it must be unused, unexpired,
 * of this purpose and of this binding. Two requests carrying the same answer
 * cannot both get it. Returns the user it was issued for (null: passwordless),
 * or null when it is refused.
 */
export async function consumeChallenge(
  db: Executor,
  input: ChallengeBinding & { challenge: string; now?: Date },
): Promise<{ userId: number | null } | null> {
  const now = input.now ?? new Date();
  const [row] = await db
    .update(webauthnChallenges)
    .set({ usedAt: now })
    .where(
      and(
        eq(webauthnChallenges.challengeHash, hashToken(input.challenge)),
        isNull(webauthnChallenges.usedAt),
        gt(webauthnChallenges.expiresAt, now),
        eq(webauthnChallenges.purpose, input.purpose),
        eq(webauthnChallenges.bindingHash, input.bindingHash),
      ),
    )
    .returning({ userId: webauthnChallenges.userId });
  return row ?? null;
}
