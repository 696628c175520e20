import "server-only";
import { eq, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { users } from "@/db/schema";
import { recordActorEvent } from "@/lib/audit";
import { beginAttempt, forgiveAttempt } from "@/lib/auth/attempt-limiter";
import { peekNextPath } from "@/lib/flows/return-path-cookie";
import { finishConfirmAccessWithDuo } from "@/lib/flows/confirm-access";
import { clearFactorFailures, secondFactorLimitKey, secondFactorLock } from "@/lib/two-factor/sign-in/factor-lock";
import type { CurrentSession } from "@/lib/auth/guards";
import { deleteSessionsOfUser } from "@/lib/auth/sessions";
import { notifyUser } from "@/lib/messaging/notify";
import { duoDisabled, duoEnabled } from "@/lib/messaging/security-emails";
import type { DuoNotice } from "@/lib/two-factor/duo/messages";
import { finishDuoPrompt, type DuoProof } from "@/lib/two-factor/duo/prompt";
import { completeSecondFactor } from "@/lib/flows/sign-in-completion";
import { forgetTrustedBrowsersOfUser } from "@/lib/two-factor/sign-in/trusted-browsers";
import { twoFactorStateOfUser } from "@/lib/two-factor/policy/user-state";
import { timestampValue } from "@/db/portable-sql";

/*
 * Turning Duo on (enrolment happens inside Duo: a completed prompt proves
 * the user has a working Duo device) and off (confirmed by the password and
 * a completed prompt, as turning 2FA off needs the password and a code).
 */

async function turnDuoOn(current: CurrentSession, proof: DuoProof): Promise<void> {
  const db = getDb();
  const { user, session } = current;
  await db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({
        duoEnabledAt: sql`coalesce(${users.duoEnabledAt}, ${timestampValue(new Date())})`,
        preferredTwoFactorMethod: "duo",
      })
      .where(eq(users.id, user.id));
    // Whoever may have held a session before Duo was on must pass it now.
    await deleteSessionsOfUser(tx, user.id, { exceptTokenHash: session.tokenHash });
  });
  await recordActorEvent(db, current, "duo.enabled", {
    targetUserId: user.id,
    details: { duoFactor: proof.factor ?? "unknown" },
  });
  await notifyUser(user, current.organisation, duoEnabled());
}

async function turnDuoOff(current: CurrentSession): Promise<void> {
  const db = getDb();
  const { user } = current;
  await db
    .update(users)
    .set({
      duoEnabledAt: null,
      preferredTwoFactorMethod: sql`case when ${users.preferredTwoFactorMethod} = 'duo' then null else ${users.preferredTwoFactorMethod} end`,
    })
    .where(eq(users.id, user.id));
  // With no factor left, 2FA is off: remembered browsers must not outlive it.
  if (!(await twoFactorStateOfUser(db, user.id)).hasFactor) await forgetTrustedBrowsersOfUser(db, user.id);
  await recordActorEvent(db, current, "duo.disabled", { targetUserId: user.id });
  await notifyUser(user, current.organisation, duoDisabled());
}

/**
 * Duo's answer to a session in setup (turning Duo on finishes the sign-in)
 * or a signed-in one (turning Duo on or off from the profile). Under the
 * user's second-factor lock like every check of a factor. Returns where to go.
 */
export async function finishDuoEnrolment(
  current: CurrentSession,
  answer: { state: string | null; code: string | null },
): Promise<string> {
  const db = getDb();
  const inSetup = current.session.stage === "setup";
  let back = (notice: DuoNotice) => (inSetup ? `/login/setup?duo=${notice}` : `/profile?duo=${notice}#two-factor`);
  const limitKey = await secondFactorLimitKey(db, current.user.id);
  const attempt = await beginAttempt(db, [limitKey]);
  if (!attempt.allowed) return back("locked");

  const result = await finishDuoPrompt(db, {
    user: current.user,
    sessionTokenHash: current.session.tokenHash,
    ...answer,
  });
  // A "Confirm access" that did not work goes back to try again, still headed for the same page.
  if (result.purpose === "confirm" && !inSetup) {
    const next = await peekNextPath();
    back = (notice) => `/confirm-access?duo=${notice}${next ? `&next=${encodeURIComponent(next)}` : ""}`;
  }
  if (result.ok && !result.proof.usedFactor) {
    // Duo let the user through without a factor (bypass status, not enrolled
    // in Duo, a trusted network…): nothing shows they hold a Duo device, so
    // Duo is not bound, nor turned off on the strength of it. Not the user's
    // failed guess but Duo's configuration: not counted against them.
    await forgiveAttempt(db, attempt);
    await recordActorEvent(db, current, "duo_bypass.refused", {
      targetUserId: current.user.id,
      details: { purpose: result.purpose, duoReason: result.proof.reason, duoFactor: result.proof.factor ?? "none" },
    });
    return back("no_factor");
  }
  if (result.ok && result.purpose === "confirm" && !inSetup) {
    await forgiveAttempt(db, attempt, [limitKey]);
    // A factor locked by wrong codes in a row opens only with a recovery code or an administrator's Unlock.
    if (await secondFactorLock(db, current.user.id)) return back("factor_locked");
    await clearFactorFailures(db, current.user.id);
    return finishConfirmAccessWithDuo(current);
  }
  if (result.ok && (result.purpose === "enrol" || (result.purpose === "disable" && !inSetup))) {
    await forgiveAttempt(db, attempt);
    if (result.purpose === "disable") {
      await turnDuoOff(current);
      return back("disabled");
    }
    await turnDuoOn(current, result.proof);
    if (!inSetup) return back("enabled");
    return completeSecondFactor(current, false, true, { via: "setup", method: "duo" });
  }
  const reason = result.ok ? "bad_state" : result.reason;
  // Duo being down is nobody's failed attempt, and neither is a state this
  // session never stored (a page sending the browser here must not lock anyone).
  if (
    reason === "unreachable" ||
    reason === "not_configured" ||
    reason === "host_not_allowed" ||
    result.purpose === null
  )
    await forgiveAttempt(db, attempt);
  await recordActorEvent(db, current, "duo.refused", {
    targetUserId: current.user.id,
    details: { reason, purpose: result.purpose ?? "unknown" },
  });
  return back(reason);
}
