import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { users } from "@/db/schema";
import { recordAuditEvent } from "@/lib/audit";
import { canonicalTimeZone } from "@/lib/format";
import type { RequestContext } from "@/lib/request-context";

/** How a session became fully signed in, for the audit log. */
export type SignInCompletion =
  /** The password was all the user owed (no second factor required or set up). */
  | "password"
  | "remembered_browser"
  | "second_factor"
  /** A second factor set up (or its setup skipped within the grace period) right after the password. */
  | "setup"
  | "setup_skipped"
  | "invitation"
  | "sso"
  /** A passkey with user verification, without a password (multi-factor by itself). */
  | "passkey";

/**
 * A sign-in completed: the session is fully signed in. Only here does "last
 * sign-in" move, so a password that passed while the second step then failed
 * or locked leaves it as it was (the password step records
 * `sign_in.password_verified` and nothing else). The browser's time zone, when
 * it told one, becomes the user's, for the times in their emails.
 */
export async function recordSignInCompleted(
  db: Db,
  input: {
    userId: number;
    context: RequestContext;
    via: SignInCompletion;
    /** The second factor that passed, when `via` is "second_factor". */
    method?: string;
    timeZone?: string | null;
    now?: Date;
  },
): Promise<void> {
  const now = input.now ?? new Date();
  const timeZone = canonicalTimeZone(input.timeZone);
  const user = (
    await db
      .update(users)
      .set({ lastSignInAt: now, ...(timeZone ? { timeZone } : {}) })
      .where(eq(users.id, input.userId))
      .returning({ organisationId: users.organisationId })
  )[0];
  if (!user) return;
  await recordAuditEvent(db, {
    type: "sign_in.completed",
    organisationId: user.organisationId,
    actorUserId: input.userId,
    targetUserId: input.userId,
    context: input.context,
    details: { via: input.via, ...(input.method ? { method: input.method } : {}) },
    at: now,
  });
}
