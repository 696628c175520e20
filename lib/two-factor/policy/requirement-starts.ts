import { changedRows, type Executor } from "@/db";
import { and, eq, inArray, isNotNull, isNull, not, sql, type SQL } from "drizzle-orm";
import { organisations, users, type TwoFactorPolicy } from "@/db/schema";
import { roleRequiresTwoFactorSqlFor, type ProposedRole } from "@/lib/two-factor/policy/user-state";

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
 * `proposedRole`: as if that role's settings were already saved (the enforcement preview).
 */
export function requiredSql(policy: TwoFactorPolicy, proposedRole?: ProposedRole): SQL {
  const exempt = sql`("users"."is_api_account" = true or "users"."sso_subject" is not null)`;
  if (policy === "disabled") return sql`false`;
  if (policy === "required")
    return sql`(not ${exempt} and "users"."two_factor_requirement" in ('default', 'required', 'phishing_resistant'))`;
  // roleRequiresTwoFactorSql counts roles that require phishing-resistant methods too.
  return sql`(not ${exempt} and ("users"."two_factor_requirement" in ('required', 'phishing_resistant') or ("users"."two_factor_requirement" = 'default' and ${roleRequiresTwoFactorSqlFor(proposedRole)})))`;
}

export type RequirementChanges = { started: number; ended: number };

/**
 * Whom a change may have made newly required: named people, the holders of
 * a role (directly or through a group), the members of a group, or anyone of
 * the organisation (its policy). Ends are looked for among everyone who has a
 * start, since a deleted role or group no longer says who held it.
 */
export type RequirementScope = { userIds: number[] } | { roleId: number } | { groupId: number } | "organisation";

function startScopeSql(scope: RequirementScope): SQL | undefined {
  if (scope === "organisation") return undefined;
  if ("userIds" in scope) return inArray(users.id, scope.userIds);
  if ("roleId" in scope) {
    return sql`"users"."id" in (
      select "user_roles"."user_id" from "user_roles" where "user_roles"."role_id" = ${scope.roleId}
      union
      select "group_members"."user_id" from "group_roles"
        join "group_members" on "group_members"."group_id" = "group_roles"."group_id"
        where "group_roles"."role_id" = ${scope.roleId}
    )`;
  }
  return sql`"users"."id" in (select "group_members"."user_id" from "group_members" where "group_members"."group_id" = ${scope.groupId})`;
}

/**
 * Records the start of a requirement for everyone in `scope` it now applies
 * to and who has no start yet, and clears it for everyone of the
 * organisation it no longer applies to. Two UPDATEs; the starts use the
 * role and group indexes, so a role held by a few costs little however many
 * members the organisation has.
 */
export async function recordRequirementChanges(
  tx: Executor,
  organisationId: number,
  options: { scope?: RequirementScope; now?: Date } = {},
): Promise<RequirementChanges> {
  const now = options.now ?? new Date();
  const scope = options.scope ?? "organisation";
  const organisation = (
    await tx
      .select({ policy: organisations.twoFactorPolicy })
      .from(organisations)
      .where(eq(organisations.id, organisationId))
  )[0];
  if (!organisation) return { started: 0, ended: 0 };
  if (scope !== "organisation" && "userIds" in scope && scope.userIds.length === 0) return { started: 0, ended: 0 };
  const inOrganisation = eq(users.organisationId, organisationId);
  const required = requiredSql(organisation.policy);
  // The cheap column tests first: most people's start is already as it should be.
  const started = changedRows(
    await tx
      .update(users)
      .set({ twoFactorRequiredSince: now })
      .where(and(inOrganisation, startScopeSql(scope), isNull(users.twoFactorRequiredSince), required)),
  );
  const named = scope !== "organisation" && "userIds" in scope ? inArray(users.id, scope.userIds) : undefined;
  const ended = changedRows(
    await tx
      .update(users)
      .set({ twoFactorRequiredSince: null })
      .where(and(inOrganisation, named, isNotNull(users.twoFactorRequiredSince), not(required))),
  );
  return { started, ended };
}
