import { and, eq, isNotNull, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { duoAuthStates, oneTimeCodes, recoveryCodes, totpCredentials, users } from "@/db/schema";
import { TOTP_PERIOD_SECONDS } from "@/lib/two-factor/authenticator-app/totp";

export type FactorView = {
  kind: "totp" | "code" | "duo" | "recovery_codes";
  /** When the user turned it on (recovery codes: when this set was made). */
  addedAt: Date;
  lastUsedAt: Date | null;
  /** Recovery codes: how many are left. */
  remaining?: number;
};

/**
 * The second factors a user set up themselves, each with when it was added
 * and last used, for their admin page (as Keycloak's user page shows them).
 * Codes a required user gets without turning them on are not listed: they
 * are the organisation's fallback, not a factor the user added.
 */
export async function factorsOfUser(db: Db, userId: number): Promise<FactorView[]> {
  const factors: FactorView[] = [];
  const totp = (
    await db
      .select({ confirmedAt: totpCredentials.confirmedAt, lastUsedStep: totpCredentials.lastUsedStep })
      .from(totpCredentials)
      .where(and(eq(totpCredentials.userId, userId), isNotNull(totpCredentials.confirmedAt)))
  )[0];
  if (totp?.confirmedAt) {
    const lastUsedAt = totp.lastUsedStep === null ? null : new Date(totp.lastUsedStep * TOTP_PERIOD_SECONDS * 1000);
    // The step recorded at enrolment is the confirming code's (up to one step ahead of the clock), not a sign-in.
    const usedSinceEnrolment =
      lastUsedAt && lastUsedAt.getTime() > totp.confirmedAt.getTime() + TOTP_PERIOD_SECONDS * 1000;
    factors.push({ kind: "totp", addedAt: totp.confirmedAt, lastUsedAt: usedSinceEnrolment ? lastUsedAt : null });
  }
  const user = (
    await db
      .select({ codesEnabledAt: users.codesEnabledAt, duoEnabledAt: users.duoEnabledAt })
      .from(users)
      .where(eq(users.id, userId))
  )[0];
  if (user?.codesEnabledAt) {
    const used = (
      await db
        .select({ at: sql<Date | null>`max(${oneTimeCodes.usedAt})`.mapWith(oneTimeCodes.usedAt) })
        .from(oneTimeCodes)
        .where(and(eq(oneTimeCodes.userId, userId), eq(oneTimeCodes.purpose, "second_factor")))
    )[0];
    factors.push({ kind: "code", addedAt: user.codesEnabledAt, lastUsedAt: used?.at ? new Date(used.at) : null });
  }
  if (user?.duoEnabledAt) {
    const used = (
      await db
        .select({ at: sql<Date | null>`max(${duoAuthStates.usedAt})`.mapWith(duoAuthStates.usedAt) })
        .from(duoAuthStates)
        .where(and(eq(duoAuthStates.userId, userId), eq(duoAuthStates.purpose, "sign_in")))
    )[0];
    factors.push({ kind: "duo", addedAt: user.duoEnabledAt, lastUsedAt: used?.at ? new Date(used.at) : null });
  }
  const codes = (
    await db
      .select({
        addedAt: sql<Date | null>`max(${recoveryCodes.createdAt})`.mapWith(recoveryCodes.createdAt),
        lastUsedAt: sql<Date | null>`max(${recoveryCodes.usedAt})`.mapWith(recoveryCodes.usedAt),
        remaining: sql<number>`sum(case when ${recoveryCodes.usedAt} is null then 1 else 0 end)`.mapWith(Number),
      })
      .from(recoveryCodes)
      .where(eq(recoveryCodes.userId, userId))
  )[0];
  if (codes?.addedAt) {
    factors.push({
      kind: "recovery_codes",
      addedAt: new Date(codes.addedAt),
      lastUsedAt: codes.lastUsedAt ? new Date(codes.lastUsedAt) : null,
      remaining: codes.remaining,
    });
  }
  return factors;
}
