import { and, eq, inArray, isNotNull, isNull, not, sql, type SQL } from "drizzle-orm";
import type { Executor } from "@/db";
import { organisations, users, type TwoFactorPolicy } from "@/db/schema";
import { roleRequiresTwoFactorSql } from "@/lib/two-factor/user-requirement";

/*
 * When a requirement to use 2FA starts or ends for people. The start is the
 * beginning of their grace period (users.twoFactorRequiredSince), recorded at
 * the moment of the change that makes 2FA required (policy, role, group,
 * membership, per-user override), not at their next sign-in: the grace runs
 * from the change, so an open session is sent to setup when it ends (the
 * guards ask mustSetUpNow at every request). NIST SP 800-63B-4 §4.1.2.1 /
 * ASVS 5.0 V6.3.3: an administrator's requirement must take effect whether or
 * not the person signs in again. When a requirement ends the start is
 * cleared, so a later requirement gives a fresh grace period.
 *
 * Set-based, inside the caller's transaction: one UPDATE for the starts and
 * one for the ends, whatever the number of people.
 */

/**
 * SQL over `users`: whether effectiveTwoFactorRequirement gives "required"
 * (grace aside) under the organisation's `policy`. Mirrors that rule; the
 * test runs both over every combination so they cannot drift apart.
 */
export function requiredSql(policy: TwoFactorPolicy): SQL {
  const exempt = sql`("users"."is_api_account" = 1 or "users"."sso_subject" is not null)`;
  if (policy === "disabled") return sql`0`;
  if (policy === "required") return sql`(not ${exempt} and "users"."two_factor_requirement" in ('default', 'required'))`;
  return sql`(not ${exempt} and ("users"."two_factor_requirement" = 'required' or ("users"."two_factor_requirement" = 'default' and ${roleRequiresTwoFactorSql})))`;
}

export type RequirementChanges = { started: number; ended: number };

/**
 * Records the start of a requirement for everyone of the organisation it now
 * applies to and has no start yet, and clears it for everyone it no longer
 * applies to. `userIds` narrows it to the people a change named.
 */
export function recordRequirementChanges(tx: Executor, organisationId: number, options: { userIds?: number[]; now?: Date } = {}): RequirementChanges {
  const now = options.now ?? new Date();
  const organisation = tx.select({ policy: organisations.twoFactorPolicy }).from(organisations).where(eq(organisations.id, organisationId)).get();
  if (!organisation) return { started: 0, ended: 0 };
  if (options.userIds && options.userIds.length === 0) return { started: 0, ended: 0 };
  const scope = and(eq(users.organisationId, organisationId), options.userIds ? inArray(users.id, options.userIds) : undefined);
  const required = requiredSql(organisation.policy);
  // The cheap column test first: most people's start is already as it should be.
  const started = tx
    .update(users)
    .set({ twoFactorRequiredSince: now })
    .where(and(scope, isNull(users.twoFactorRequiredSince), required))
    .run().changes;
  const ended = tx
    .update(users)
    .set({ twoFactorRequiredSince: null })
    .where(and(scope, isNotNull(users.twoFactorRequiredSince), not(required)))
    .run().changes;
  return { started, ended };
}
