import { eq, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db";
import { preparedQuery } from "@/db/prepared";
import { organisations, users } from "@/db/schema";
import { hasConfirmedAuthenticatorSql } from "@/lib/two-factor/authenticator-app/credentials";
import {
  duoAvailabilityColumns,
  duoAvailableIn,
  lostOwnFactor,
  refusedMethods,
  usableMethods,
  type SecondFactorMethod,
} from "@/lib/two-factor/policy/methods";
import { hasPasskeySql } from "@/lib/webauthn/passkeys";
import { effectiveTwoFactorRequirement, type Requirement } from "@/lib/two-factor/policy/requirement";
import type { TwoFactorMethod } from "@/db/schema";
import { setupStageFor, type SetupStage } from "@/lib/two-factor/required-setup/setup-stage";

export type UserTwoFactorState = {
  requirement: Requirement;
  /** The second factors the user can use now (set up and allowed). */
  methods: SecondFactorMethod[];
  /** The user's own factors the phishing-resistant requirement refuses (see refusedMethods). */
  refusedMethods: SecondFactorMethod[];
  hasFactor: boolean;
  hasAuthenticator: boolean;
  /** The user turned codes on themselves (rather than getting them because 2FA is required). */
  codesTurnedOn: boolean;
  /** The user turned Duo on (whether or not the organisation allows it now). */
  duoTurnedOn: boolean;
  /** The user registered a passkey (whether or not the organisation allows passkeys now). */
  hasPasskey: boolean;
  /** The organisation allows passkeys and security keys. */
  allowPasskey: boolean;
  /** The organisation allows Duo and has configured it: the user may turn it on. */
  duoAvailable: boolean;
  /** The user's own factor is no longer allowed and they have no other: setup is owed. */
  lostOwnFactor: boolean;
  preferredMethod: TwoFactorMethod | null;
  /** Where a setup owed at sign-in happens: on screen, or first through an emailed link. */
  setupStage: SetupStage;
};

/**
 * SQL: whether the user holds, directly or through a group, a role of their
 * organisation meeting `condition` (over "roles"). Two EXISTS that start from
 * the user's own rows (user_roles' primary key, group_members' user index):
 * a few index lookups per user, so a query over every user of a large
 * organisation (the adoption counts, the users list's filters) stays linear
 * with a small constant; the earlier "roles.id in (a correlated union)" form
 * reran the union for each role of the organisation (docs/performance.md).
 */
function holdsRoleWhere(condition: SQL): SQL<number> {
  return sql<number>`(exists (
    select 1 from "user_roles" join "roles" on "roles"."id" = "user_roles"."role_id"
    where "user_roles"."user_id" = "users"."id" and "roles"."organisation_id" = "users"."organisation_id" and ${condition}
  ) or exists (
    select 1 from "group_members"
      join "group_roles" on "group_roles"."group_id" = "group_members"."group_id"
      join "roles" on "roles"."id" = "group_roles"."role_id"
    where "group_members"."user_id" = "users"."id" and "roles"."organisation_id" = "users"."organisation_id" and ${condition}
  ))`;
}

/**
 * A role's 2FA settings as an administrator proposes them, before they are
 * saved: the enforcement preview asks the same SQL "what if" (lib/admin/enforcement-preview.ts).
 */
export type ProposedRole = { roleId: number; requireTwoFactor: boolean; requirePhishingResistant: boolean };

/** `"roles"."<column>" = true`, or the proposed value for the proposed role. */
function roleSetting(column: "require_two_factor" | "require_phishing_resistant", proposed?: ProposedRole): SQL {
  const stored = sql.raw(`"roles"."${column}" = true`);
  if (!proposed) return stored;
  const value = column === "require_two_factor" ? proposed.requireTwoFactor : proposed.requirePhishingResistant;
  return sql`(case when "roles"."id" = ${proposed.roleId} then ${value ? sql`1 = 1` : sql`1 = 0`} else ${stored} end)`;
}

/**
 * SQL: whether any role the user holds, directly or through a group, requires
 * 2FA (a role requiring phishing-resistant methods requires 2FA too). For
 * queries over `users`: written with explicit table names because Drizzle
 * leaves columns unqualified in single-table selects, where an inner "id"
 * would silently bind to the wrong table. With `proposed`, that role's
 * settings are the proposed ones rather than the saved ones.
 */
export function roleRequiresTwoFactorSqlFor(proposed?: ProposedRole): SQL<number> {
  return holdsRoleWhere(
    sql`(${roleSetting("require_two_factor", proposed)} or ${roleSetting("require_phishing_resistant", proposed)})`,
  );
}

/** SQL: whether any role the user holds, directly or through a group, requires phishing-resistant methods only. */
export function roleRequiresPhishingResistantSqlFor(proposed?: ProposedRole): SQL<number> {
  return holdsRoleWhere(roleSetting("require_phishing_resistant", proposed));
}

export const roleRequiresTwoFactorSql = roleRequiresTwoFactorSqlFor();
export const roleRequiresPhishingResistantSql = roleRequiresPhishingResistantSqlFor();

// Asked on every signed-in request (the guards' setup check): prepared once (see preparedQuery).
const twoFactorFactsOfUser = preparedQuery((db) =>
  db
    .select({
      isApiAccount: users.isApiAccount,
      isSsoUser: sql<number>`"users"."sso_subject" is not null`,
      userOverride: users.twoFactorRequirement,
      requiredSince: users.twoFactorRequiredSince,
      organisationPolicy: organisations.twoFactorPolicy,
      graceDays: organisations.twoFactorGraceDays,
      roleRequiresTwoFactor: roleRequiresTwoFactorSql,
      roleRequiresPhishingResistant: roleRequiresPhishingResistantSql,
      allowTotp: organisations.allowTotp,
      allowCode: organisations.allowCode,
      requiredSetupFlow: organisations.requiredSetupFlow,
      codesEnabledAt: users.codesEnabledAt,
      ...duoAvailabilityColumns,
      duoEnabledAt: users.duoEnabledAt,
      preferredMethod: users.preferredTwoFactorMethod,
      hasAuthenticator: hasConfirmedAuthenticatorSql,
      allowPasskey: organisations.allowPasskey,
      hasPasskey: hasPasskeySql,
    })
    .from(users)
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .where(eq(users.id, sql.placeholder("userId")))
    .prepare(),
);

/** Gathers what the requirement rule needs about one user, and asks it. */
export async function twoFactorStateOfUser(db: Db, userId: number, now = new Date()): Promise<UserTwoFactorState> {
  const [row] = await twoFactorFactsOfUser(db).execute({ userId });
  if (!row) {
    return {
      requirement: { level: "disabled" },
      methods: [],
      refusedMethods: [],
      hasFactor: false,
      hasAuthenticator: false,
      codesTurnedOn: false,
      duoTurnedOn: false,
      hasPasskey: false,
      allowPasskey: false,
      duoAvailable: false,
      lostOwnFactor: false,
      preferredMethod: null,
      setupStage: "setup",
    };
  }
  const requirement = effectiveTwoFactorRequirement({
    ...row,
    isSsoUser: Boolean(row.isSsoUser),
    roleRequiresTwoFactor: Boolean(row.roleRequiresTwoFactor),
    roleRequiresPhishingResistant: Boolean(row.roleRequiresPhishingResistant),
    now,
  });
  const methodsInput = {
    allowTotp: row.allowTotp,
    allowCode: row.allowCode,
    hasAuthenticator: Boolean(row.hasAuthenticator),
    codesEnabled: row.codesEnabledAt !== null,
    duoAvailable: duoAvailableIn(row),
    duoEnabled: row.duoEnabledAt !== null,
    allowPasskey: row.allowPasskey,
    hasPasskey: Boolean(row.hasPasskey),
    requirement,
  };
  const methods = usableMethods(methodsInput);
  return {
    requirement,
    methods,
    refusedMethods: refusedMethods(methodsInput),
    hasFactor: methods.length > 0,
    hasAuthenticator: methodsInput.hasAuthenticator,
    codesTurnedOn: methodsInput.codesEnabled,
    duoTurnedOn: methodsInput.duoEnabled,
    hasPasskey: methodsInput.hasPasskey,
    allowPasskey: methodsInput.allowPasskey,
    duoAvailable: methodsInput.duoAvailable,
    lostOwnFactor: lostOwnFactor(methodsInput),
    preferredMethod: row.preferredMethod,
    setupStage: setupStageFor(row.requiredSetupFlow),
  };
}

/**
 * Records when 2FA became required for a user (the start of their grace
 * period), or clears it when it no longer is. Called at sign-in.
 */
export async function recordRequiredSince(
  db: Db,
  userId: number,
  requirement: Requirement,
  now = new Date(),
): Promise<void> {
  if (requirement.level === "required") {
    await db
      .update(users)
      .set({ twoFactorRequiredSince: now })
      .where(sql`${users.id} = ${userId} and ${users.twoFactorRequiredSince} is null`);
  } else {
    await db
      .update(users)
      .set({ twoFactorRequiredSince: null })
      .where(sql`${users.id} = ${userId} and ${users.twoFactorRequiredSince} is not null`);
  }
}

/**
 * Whether required setup has done its job, in the policy's view: the user now
 * has a factor of their own that the policy accepts (an authenticator app or
 * a passkey, the two setup binds), not a raw row it may no longer allow (a
 * passkey in an organisation that has since stopped allowing them) and not
 * the sent-code fallback, which needs no setup and so proves nothing was set
 * up. The one gate before setup completes a sign-in (lib/flows/sign-in-completion.ts);
 * a password alone never passes it (ASVS 5.0 V6.4.x, NIST SP 800-63B-4 §4.1.2.1).
 */
export function setupDone({ methods, lostOwnFactor }: Pick<UserTwoFactorState, "methods" | "lostOwnFactor">): boolean {
  return !lostOwnFactor && methods.some((method) => method === "totp" || method === "passkey");
}

/** Whether a user must set up a second factor before anything else: required, none yet, no grace left. */
export function mustSetUpNow({ requirement, hasFactor, lostOwnFactor }: UserTwoFactorState): boolean {
  return (requirement.level === "required" && !hasFactor && requirement.graceUntil === null) || lostOwnFactor;
}
