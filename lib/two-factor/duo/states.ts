import { and, eq, gt, isNull, lt } from "drizzle-orm";
import type { Db } from "@/db";
import { duoAuthStates, type DuoAuthState } from "@/db/schema";
import { hashToken } from "@/lib/crypto";

/** A Duo round trip must come back within this time. */
export const DUO_STATE_LIFETIME_MS = 5 * 60 * 1000;

export type DuoPurpose = DuoAuthState["purpose"];

/**
 * Remembers the `state` sent to Duo: only its hash, bound to the session that
 * started the round trip, so the callback can be completed once, by that
 * session, within five minutes.
 */
export async function storeDuoState(
  db: Db,
  input: {
    userId: number;
    sessionTokenHash: string;
    state: string;
    purpose: DuoPurpose;
    rememberBrowser: boolean;
    now?: Date;
  },
): Promise<void> {
  const now = input.now ?? new Date();
  // Round trips never finished are of no further use.
  await db.delete(duoAuthStates).where(and(eq(duoAuthStates.userId, input.userId), lt(duoAuthStates.expiresAt, now)));
  await db.insert(duoAuthStates).values({
    userId: input.userId,
    sessionTokenHash: input.sessionTokenHash,
    stateHash: hashToken(input.state),
    purpose: input.purpose,
    rememberBrowser: input.rememberBrowser,
    createdAt: now,
    expiresAt: new Date(now.getTime() + DUO_STATE_LIFETIME_MS),
  });
}

export type ClaimedDuoState = Pick<DuoAuthState, "userId" | "purpose" | "rememberBrowser">;

/**
 * Marks the state used and returns it, if it exists for this session, has not
 * expired and was not used before. One conditional update: of two requests
 * racing with the same state, exactly one wins; a replay finds it used.
 */
export async function claimDuoState(
  db: Db,
  input: { state: string; sessionTokenHash: string; now?: Date },
): Promise<ClaimedDuoState | null> {
  const now = input.now ?? new Date();
  return (
    (
      await db
        .update(duoAuthStates)
        .set({ usedAt: now })
        .where(
          and(
            eq(duoAuthStates.stateHash, hashToken(input.state)),
            eq(duoAuthStates.sessionTokenHash, input.sessionTokenHash),
            isNull(duoAuthStates.usedAt),
            gt(duoAuthStates.expiresAt, now),
          ),
        )
        .returning({
          userId: duoAuthStates.userId,
          purpose: duoAuthStates.purpose,
          rememberBrowser: duoAuthStates.rememberBrowser,
        })
    )[0] ?? null
  );
}
