import "server-only";
import { and, asc, eq, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db";
import { TWO_FACTOR_METHODS, users } from "@/db/schema";
import { graceDeadline, organisationFacts, segmentConditions, type OrganisationFacts } from "@/lib/admin/adoption";
import type { ProposedRole } from "@/lib/two-factor/policy/user-state";

/*
 * What a stricter 2FA setting would do, before it is saved: the confirmation
 * of /admin/settings (policy, allowed methods, grace) and of a role's
 * "Require two-factor authentication" shows it. Counted with the overview's
 * own segment conditions (segmentConditions, built on requiredSql, the SQL
 * twin of effectiveTwoFactorRequirement) evaluated twice over the same rows:
 * once with the saved settings, once with the proposed ones. No copy of the
 * rule, so the preview's numbers are what /admin shows once the change is
 * saved (enforcement-preview.test.ts checks exactly that).
 */

/**
 * Settings an administrator proposes; what is left out stays as saved.
 * `allowDuo: false` makes Duo unusable; ticking it cannot make Duo usable
 * before its keys are saved, so it never takes Duo away from anyone.
 */
export type EnforcementProposal = {
  organisation?: Partial<Omit<OrganisationFacts, "duoAvailable">> & { allowDuo?: boolean };
  role?: ProposedRole;
};

/** How many names of people losing a method the confirmation lists. */
export const PREVIEW_NAME_LIMIT = 10;

export type EnforcementPreview = {
  /** Not exempt, without a usable factor today, and required after the change. */
  newlyRequiredWithoutFactor: number;
  /** Of those: sent to set up at their next sign-in (no grace, or their grace is already over). */
  setupAtNextSignIn: number;
  /** Of those: given a grace period. */
  inGrace: number;
  /** The earliest end of those grace periods (null: nobody in grace). */
  graceUntil: Date | null;
  /** Whether every grace period ends then (everyone's starts with the change). */
  graceEndsTogether: boolean;
  /** Of those: no setup owed, since they can be sent a code by email (codes are allowed). */
  byEmailCode: number;
  /** People who would lose a method they use now, because it is no longer allowed for them. */
  losingMethod: number;
  /** The first of them, by name. */
  losingNames: string[];
  /** Of those: left with no usable factor at all. */
  leftWithoutFactor: number;
  /**
   * When the proposal stops allowing authenticator apps: the people using one,
   * who keep it (an app set up keeps working; only new ones are refused), so
   * they are not among those losing a method. Null when apps stay as they are.
   */
  keepingAuthenticator: number | null;
  /** API accounts, SSO users and disabled users, never counted above. */
  exempt: number;
};

const count = (condition: SQL): SQL<number> => sql<number>`sum(case when ${condition} then 1 else 0 end)`;

/**
 * The preview of `proposal` for one organisation; null when it does not
 * exist. The caller has checked that a proposed role belongs to it.
 */
export async function enforcementPreview(
  db: Db,
  organisationId: number,
  proposal: EnforcementProposal,
  now = new Date(),
): Promise<EnforcementPreview | null> {
  const saved = await organisationFacts(db, organisationId);
  if (!saved) return null;
  const { allowDuo = true, ...organisation } = proposal.organisation ?? {};
  const proposed: OrganisationFacts = { ...saved, ...organisation, duoAvailable: saved.duoAvailable && allowDuo };
  const before = segmentConditions(saved, now);
  const after = segmentConditions(proposed, now, proposal.role);

  const newlyRequired = sql`(not ${before.exempt} and not ${before.isProtected} and not ${before.owesSetup} and ${after.required})`;
  const owes = sql`(${newlyRequired} and ${after.owesSetup})`;
  const inGrace = sql`(${owes} and ${after.inGrace})`;
  const lost = TWO_FACTOR_METHODS.map(
    (method) => sql`(${before.methodSql[method]} and not ${after.methodSql[method]})`,
  );
  const losing = sql`(${before.isProtected} and (${sql.join(lost, sql` or `)}))`;
  const inOrganisation = eq(users.organisationId, organisationId);

  const row = (
    await db
      .select({
        newlyRequired: count(newlyRequired),
        owes: count(owes),
        inGrace: count(inGrace),
        byEmailCode: count(sql`(${newlyRequired} and ${after.isProtected})`),
        losing: count(losing),
        leftWithout: count(sql`(${losing} and not ${after.isProtected})`),
        keepingAuthenticator: count(sql`(${before.isProtected} and ${before.methodSql.totp})`),
        exempt: count(before.exempt),
      })
      .from(users)
      .where(inOrganisation)
  )[0]!;
  const n = (value: unknown) => Number(value ?? 0);

  const losingNames =
    n(row.losing) === 0
      ? []
      : (
          await db
            .select({ name: users.name })
            .from(users)
            .where(and(inOrganisation, losing))
            .orderBy(asc(users.name), asc(users.id))
            .limit(PREVIEW_NAME_LIMIT)
        ).map((person) => person.name);

  const grace = n(row.inGrace) > 0 ? await earliestGrace(db, inOrganisation, inGrace, proposed, now) : null;
  return {
    newlyRequiredWithoutFactor: n(row.newlyRequired),
    setupAtNextSignIn: n(row.owes) - n(row.inGrace),
    inGrace: n(row.inGrace),
    graceUntil: grace?.until ?? null,
    graceEndsTogether: grace?.together ?? true,
    byEmailCode: n(row.byEmailCode),
    losingMethod: n(row.losing),
    losingNames,
    leftWithoutFactor: n(row.leftWithout),
    keepingAuthenticator: saved.allowTotp && !proposed.allowTotp ? n(row.keepingAuthenticator) : null,
    exempt: n(row.exempt),
  };
}

/**
 * The first grace period to end among `inGrace`: the earliest recorded start
 * (a start not yet recorded is the change itself, so it ends last), its end
 * from the one rule (graceDeadline).
 */
async function earliestGrace(
  db: Db,
  inOrganisation: SQL,
  inGrace: SQL,
  proposed: OrganisationFacts,
  now: Date,
): Promise<{ until: Date; together: boolean } | null> {
  const [first] = await db
    .select({ requiredSince: users.twoFactorRequiredSince })
    .from(users)
    .where(and(inOrganisation, inGrace))
    .orderBy(sql`${users.twoFactorRequiredSince} is null`, asc(users.twoFactorRequiredSince))
    .limit(1);
  const until = graceDeadline(proposed, first?.requiredSince ?? null, now);
  if (!until) return null;
  return { until, together: (first?.requiredSince ?? null) === null };
}
