import "server-only";
import { and, eq, gt, inArray, isNull, or, sql, type SQL } from "drizzle-orm";
import { queryRows, type Db } from "@/db";
import {
  organisations,
  TWO_FACTOR_METHODS,
  TWO_FACTOR_REQUIREMENTS,
  users,
  type TwoFactorMethod,
  type TwoFactorRequirement,
} from "@/db/schema";
import { checkOnly } from "@/db/portable-sql";
import { hasConfirmedAuthenticatorSql } from "@/lib/two-factor/authenticator-app/credentials";
import { duoAvailabilityColumns, duoAvailableIn } from "@/lib/two-factor/policy/methods";
import { effectiveTwoFactorRequirement } from "@/lib/two-factor/policy/requirement";
import { requiredSql } from "@/lib/two-factor/policy/requirement-starts";
import { roleRequiresPhishingResistantSqlFor, type ProposedRole } from "@/lib/two-factor/policy/user-state";
import { hasPasskeySql } from "@/lib/webauthn/passkeys";

/*
 * An organisation's users by 2FA state, for the admin overview and its daily
 * snapshot. Every user falls in exactly one segment:
 * - exempt: API accounts and SSO users (the requirement rule exempts them) and
 *   disabled users (they cannot sign in at all);
 * - protected: has a usable second factor (as usableMethods decides: their own
 *   app, codes, Duo or passkey, or, when 2FA is required of them and the
 *   organisation allows codes, codes by email; for someone held to
 *   phishing-resistant methods, a passkey only) and 2FA is not turned off for them;
 * - in_grace / past_grace: required (requiredSql, the SQL twin of
 *   effectiveTwoFactorRequirement) with no usable factor;
 * - optional_without: everyone else (optional, or 2FA turned off for them).
 * The method rows split "protected": someone with two methods counts in both.
 * Counted in one query over the organisation's users (each fact once per user); a large organisation
 * reads them from a summary refreshed every minute (lib/admin/adoption-summary.ts).
 */

export const ADOPTION_SEGMENTS = ["protected", "in_grace", "past_grace", "optional_without", "exempt"] as const;
export type AdoptionSegment = (typeof ADOPTION_SEGMENTS)[number];

export type NearestDeadline = { id: number; name: string; email: string; deadline: Date };

export type Adoption = {
  total: number;
  segments: Record<AdoptionSegment, number>;
  /** Protected users by usable method; a user with two methods counts in each. */
  methods: Record<TwoFactorMethod, number>;
  /** Users by their per-user requirement (the users filter "requirement"). */
  requirements: Record<TwoFactorRequirement, number>;
  /** The (up to) five people in grace whose deadline is nearest, nearest first. */
  nearestDeadlines: NearestDeadline[];
  /** [d]: how many people in grace have their deadline within d days (the users filter "graceWithinDays"). */
  graceEndsWithin: number[];
};

const DAY_MS = 24 * 60 * 60 * 1000;

const truth = (value: boolean): SQL => (value ? sql`1 = 1` : sql`1 = 0`);
const count = (condition: SQL): SQL<number> => sql<number>`sum(case when ${condition} then 1 else 0 end)`;

export type OrganisationFacts = {
  policy: (typeof organisations.$inferSelect)["twoFactorPolicy"];
  graceDays: number;
  /**
   * In no condition: an authenticator app set up keeps working when new ones
   * are no longer allowed (usableMethods). The enforcement preview says so.
   */
  allowTotp: boolean;
  allowCode: boolean;
  allowPasskey: boolean;
  duoAvailable: boolean;
};

/** What each segment and method is made of, per user: the facts segmentConditions combines. */
const USER_FACTS = [
  "exempt",
  "required",
  "turnedOff",
  "phishingResistant",
  "hasTotp",
  "hasPasskey",
  "duoEnabled",
  "codesEnabled",
  "inGrace",
] as const;
type UserFacts = Record<(typeof USER_FACTS)[number], SQL>;

/** The facts as SQL conditions over one row of `users` (correlated subqueries for factors and roles). */
function userFacts(organisation: OrganisationFacts, now: Date, proposedRole?: ProposedRole): UserFacts {
  const required = requiredSql(organisation.policy, proposedRole);
  return {
    exempt: sql`("users"."is_api_account" = true or "users"."sso_subject" is not null or "users"."disabled_at" is not null)`,
    required,
    // 2FA turned off: for everyone by the organisation, or for this user by an administrator.
    turnedOff: organisation.policy === "disabled" ? truth(true) : sql`("users"."two_factor_requirement" = 'disabled')`,
    // Held to phishing-resistant methods (effectiveTwoFactorRequirement): only a passkey counts, allowed or not.
    phishingResistant: sql`(${required} and ("users"."two_factor_requirement" = 'phishing_resistant' or ("users"."two_factor_requirement" = 'default' and ${roleRequiresPhishingResistantSqlFor(proposedRole)})))`,
    hasTotp: hasConfirmedAuthenticatorSql,
    hasPasskey: hasPasskeySql,
    duoEnabled: sql`("users"."duo_enabled_at" is not null)`,
    codesEnabled: sql`("users"."codes_enabled_at" is not null)`,
    // effectiveTwoFactorRequirement: grace runs from requiredSince (or now, when not yet recorded).
    inGrace:
      organisation.graceDays > 0
        ? or(isNull(users.twoFactorRequiredSince), gt(users.twoFactorRequiredSince, graceCutoff(organisation, now)))!
        : truth(false),
  };
}

/**
 * The SQL conditions for one organisation's settings: the overview counts
 * them and the users list filters by them (lib/admin/user-filters.ts), so a
 * segment's number and its list agree. Over `users` by default; the
 * overview passes the same facts read once per user from a materialised
 * table (adoptionOf), since each fact appears in several conditions. The
 * enforcement preview (lib/admin/enforcement-preview.ts) passes proposed
 * settings, and a proposed role, to count what a change would do.
 */
export function segmentConditions(
  organisation: OrganisationFacts,
  now: Date,
  proposedRole?: ProposedRole,
  facts: UserFacts = userFacts(organisation, now, proposedRole),
) {
  const { exempt, required, turnedOff, phishingResistant } = facts;
  const passkey = sql`(${facts.hasPasskey} and (${truth(organisation.allowPasskey)} or ${phishingResistant}))`;
  const totp = sql`(${facts.hasTotp} and not ${phishingResistant})`;
  const duo = organisation.duoAvailable ? sql`(${facts.duoEnabled} and not ${phishingResistant})` : truth(false);
  const code = organisation.allowCode
    ? sql`(not ${phishingResistant} and (${facts.codesEnabled} or (${required} and not ${facts.hasTotp} and not ${duo} and not ${passkey})))`
    : truth(false);
  const methodSql: Record<TwoFactorMethod, SQL> = { totp, code, duo, passkey };
  const hasFactor = sql`(${totp} or ${code} or ${duo} or ${passkey})`;
  const isProtected = sql`(not ${exempt} and not ${turnedOff} and ${hasFactor})`;
  const owesSetup = sql`(not ${exempt} and ${required} and not ${hasFactor})`;
  /*
   * Everyone else: not exempt, not protected, not owing setup. Written out, since 2FA turned off
   * means not required (requiredSql), and someone not required counts only their own methods: the
   * cheap columns and a factor lookup settle most people before the role lookups of `required`.
   * SQLite evaluates each mention of a correlated subquery again; the composed form had each twice.
   */
  const ownFactor = sql`(${organisation.allowCode ? facts.codesEnabled : truth(false)} or ${organisation.duoAvailable ? facts.duoEnabled : truth(false)} or ${facts.hasTotp} or ${organisation.allowPasskey ? facts.hasPasskey : truth(false)})`;
  const optionalWithout = sql`(not ${exempt} and (${turnedOff} or (not ${ownFactor} and not ${required})))`;
  return { exempt, required, isProtected, owesSetup, optionalWithout, inGrace: facts.inGrace, methodSql };
}

function graceCutoff(organisation: OrganisationFacts, now: Date): Date {
  return new Date(now.getTime() - organisation.graceDays * DAY_MS);
}

export async function organisationFacts(db: Db, organisationId: number): Promise<OrganisationFacts | null> {
  const row = (
    await db
      .select({
        policy: organisations.twoFactorPolicy,
        graceDays: organisations.twoFactorGraceDays,
        allowTotp: organisations.allowTotp,
        allowCode: organisations.allowCode,
        allowPasskey: organisations.allowPasskey,
        ...duoAvailabilityColumns,
      })
      .from(organisations)
      .where(eq(organisations.id, organisationId))
  )[0];
  if (!row) return null;
  return {
    policy: row.policy,
    graceDays: row.graceDays,
    allowTotp: row.allowTotp,
    allowCode: row.allowCode,
    allowPasskey: row.allowPasskey,
    duoAvailable: duoAvailableIn(row),
  };
}

/**
 * Users are counted this many ids at a time, the event loop let go between
 * chunks: on SQLite a query holds the process's only thread, and one
 * aggregate over 100,000 users (about 0.6 s) would stall every request of
 * the instance each minute the summary is refreshed (lib/admin/adoption-summary.ts).
 */
const CHUNK_IDS = 1000;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The organisation's users as conditions of at most `chunkIds` users each: a
 * small organisation in one, a large one by primary key with the organisation
 * only checked. Its own ids come from its index (no rows read); a range of
 * ids would also read every other organisation's users whose ids fall between.
 */
async function organisationChunks(db: Db, organisationId: number, chunkIds: number): Promise<SQL[]> {
  const ids = (await db.select({ id: users.id }).from(users).where(eq(users.organisationId, organisationId)))
    .map((row) => row.id)
    .sort((a, b) => a - b);
  if (ids.length === 0) return [];
  if (ids.length <= chunkIds) return [eq(users.organisationId, organisationId)];
  const chunks: SQL[] = [];
  for (let start = 0; start < ids.length; start += chunkIds)
    chunks.push(
      and(inArray(users.id, ids.slice(start, start + chunkIds)), checkOnly(users.organisationId, organisationId))!,
    );
  return chunks;
}

type InGraceRow = { id: number; requiredSince: Date | null };

/** Counts an organisation's users by 2FA state (see the top of this file), in chunks of its ids. */
export async function adoptionOf(
  db: Db,
  organisationId: number,
  now = new Date(),
  chunkIds = CHUNK_IDS,
): Promise<Adoption> {
  const emptyMethods = Object.fromEntries(TWO_FACTOR_METHODS.map((method) => [method, 0])) as Record<
    TwoFactorMethod,
    number
  >;
  const emptyRequirements = Object.fromEntries(TWO_FACTOR_REQUIREMENTS.map((level) => [level, 0])) as Record<
    TwoFactorRequirement,
    number
  >;
  const organisation = await organisationFacts(db, organisationId);
  const chunks = organisation ? await organisationChunks(db, organisationId, chunkIds) : [];
  if (!organisation || chunks.length === 0) {
    return {
      total: 0,
      segments: { protected: 0, in_grace: 0, past_grace: 0, optional_without: 0, exempt: 0 },
      methods: emptyMethods,
      requirements: emptyRequirements,
      nearestDeadlines: [],
      graceEndsWithin: [],
    };
  }
  // Each fact once per user, into a materialised table (MATERIALIZED: neither SQLite nor PostgreSQL may
  // fold it back into the sums, which would rerun every factor and role subquery in each condition).
  const perUser = userFacts(organisation, now);
  const factColumns = sql.join(
    [
      ...USER_FACTS.map((fact) => sql`case when ${perUser[fact]} then 1 else 0 end as ${sql.identifier(fact)}`),
      sql`"users"."two_factor_requirement" as "requirement"`,
    ],
    sql`, `,
  );
  const c = segmentConditions(
    organisation,
    now,
    undefined,
    Object.fromEntries(USER_FACTS.map((fact) => [fact, sql`("facts".${sql.identifier(fact)} = 1)`])) as UserFacts,
  );
  const columns = {
    total: sql`count(*)`,
    exempt: count(c.exempt),
    protected: count(c.isProtected),
    inGrace: count(sql`${c.owesSetup} and ${c.inGrace}`),
    pastGrace: count(sql`${c.owesSetup} and not ${c.inGrace}`),
    ...Object.fromEntries(
      TWO_FACTOR_METHODS.map((method) => [method, count(sql`${c.isProtected} and ${c.methodSql[method]}`)]),
    ),
    ...Object.fromEntries(
      TWO_FACTOR_REQUIREMENTS.map((level) => [`requirement:${level}`, count(sql`"facts"."requirement" = ${level}`)]),
    ),
  };
  const live = segmentConditions(organisation, now);
  const sums: Record<string, number> = {};
  const inGrace: InGraceRow[] = [];
  for (const chunk of chunks) {
    const row = (
      await queryRows<Record<string, unknown>>(
        db,
        sql`with "facts" as materialized (
          select ${factColumns} from "users" where ${chunk}
        ) select ${sql.join(
          Object.entries(columns).map(([name, value]) => sql`${value} as ${sql.identifier(name)}`),
          sql`, `,
        )} from "facts"`,
      )
    )[0]!;
    for (const [name, value] of Object.entries(row)) sums[name] = (sums[name] ?? 0) + Number(value ?? 0);
    if (Number(row.inGrace ?? 0) > 0) {
      inGrace.push(
        ...(await db
          .select({ id: users.id, requiredSince: users.twoFactorRequiredSince })
          .from(users)
          .where(and(chunk, live.owesSetup, live.inGrace))),
      );
    }
    await yieldToEventLoop();
  }
  const n = (name: string) => sums[name] ?? 0;
  const total = n("total");
  const segments = {
    protected: n("protected"),
    in_grace: n("inGrace"),
    past_grace: n("pastGrace"),
    exempt: n("exempt"),
  };
  const methods = Object.fromEntries(TWO_FACTOR_METHODS.map((method) => [method, n(method)])) as Record<
    TwoFactorMethod,
    number
  >;
  const requirements = Object.fromEntries(
    TWO_FACTOR_REQUIREMENTS.map((level) => [level, n(`requirement:${level}`)]),
  ) as Record<TwoFactorRequirement, number>;
  const deadlines = inGrace
    .map((person) => ({ id: person.id, deadline: graceDeadline(organisation, person.requiredSince, now) }))
    .filter((person): person is { id: number; deadline: Date } => person.deadline !== null)
    .sort((a, b) => a.deadline.getTime() - b.deadline.getTime() || a.id - b.id);
  return {
    total,
    segments: {
      ...segments,
      optional_without: total - segments.protected - segments.in_grace - segments.past_grace - segments.exempt,
    },
    methods,
    requirements,
    nearestDeadlines: await namedDeadlines(db, organisationId, deadlines.slice(0, 5)),
    graceEndsWithin: graceEndsWithin(deadlines, organisation.graceDays, now),
  };
}

/**
 * graceEndsWithin[d]: how many of these deadlines fall within d days of
 * `now` (as the users filter "grace ends within d days" asks), for d from 0
 * to the grace period's length, beyond which it is everyone in grace.
 */
function graceEndsWithin(sortedDeadlines: { deadline: Date }[], graceDays: number, now: Date): number[] {
  const within: number[] = [];
  let counted = 0;
  for (let days = 0; days <= graceDays; days++) {
    const limit = now.getTime() + days * DAY_MS;
    while (counted < sortedDeadlines.length && sortedDeadlines[counted]!.deadline.getTime() <= limit) counted++;
    within.push(counted);
  }
  return within;
}

/** The people of these deadlines with their names and emails, in the same order. */
export async function namedDeadlines(
  db: Db,
  organisationId: number,
  deadlines: { id: number; deadline: Date }[],
): Promise<NearestDeadline[]> {
  if (deadlines.length === 0) return [];
  const people = new Map(
    (
      await db
        .select({ id: users.id, name: users.name, email: users.email })
        .from(users)
        .where(
          and(
            inArray(
              users.id,
              deadlines.map((person) => person.id),
            ),
            checkOnly(users.organisationId, organisationId),
          ),
        )
    ).map((person) => [person.id, person]),
  );
  return deadlines.flatMap((person) => {
    const found = people.get(person.id);
    return found ? [{ ...found, deadline: person.deadline }] : [];
  });
}

/**
 * People required to use 2FA, with no usable factor, still in their grace
 * period, nearest deadline first (the grace days are the organisation's, so
 * the earliest start ends first; a start not yet recorded ends last).
 * `withinDays` keeps only deadlines that close (the reminders).
 */
export async function inGraceUsers(
  db: Db,
  organisationId: number,
  now: Date,
  limit: number,
  withinDays?: number,
  /** Only these users (a bulk reminder's batch). */
  onlyUserIds?: readonly number[],
  chunkIds = CHUNK_IDS,
): Promise<NearestDeadline[]> {
  const organisation = await organisationFacts(db, organisationId);
  if (!organisation || organisation.graceDays <= 0) return [];
  const c = segmentConditions(organisation, now);
  const within =
    withinDays === undefined
      ? undefined
      : sql`${users.twoFactorRequiredSince} is not null and not ${gt(
          users.twoFactorRequiredSince,
          new Date(graceCutoff(organisation, now).getTime() + withinDays * DAY_MS),
        )}`;
  // Only ids and starts are gathered and sorted; names and emails are read for the `limit` kept.
  const matching = (scope: SQL) =>
    db
      .select({ id: users.id, requiredSince: users.twoFactorRequiredSince })
      .from(users)
      .where(and(scope, c.owesSetup, c.inGrace, within))
      .orderBy(sql`${users.twoFactorRequiredSince} is null`, users.twoFactorRequiredSince, users.id)
      .limit(limit);
  const rows: InGraceRow[] = [];
  if (onlyUserIds) {
    rows.push(
      ...(await matching(and(inArray(users.id, [...onlyUserIds]), checkOnly(users.organisationId, organisationId))!)),
    );
  } else {
    // The hourly reminders ask about everyone: a chunk at a time, letting other requests in between
    // (one query sorting a large organisation held SQLite's only thread for about 140 ms at 100,000 users).
    for (const chunk of await organisationChunks(db, organisationId, chunkIds)) {
      rows.push(...(await matching(chunk)));
      await yieldToEventLoop();
    }
  }
  // The same order as each chunk's: a start not yet recorded last, then by start, then by id.
  rows.sort(
    (a, b) =>
      Number(a.requiredSince === null) - Number(b.requiredSince === null) ||
      (a.requiredSince?.getTime() ?? 0) - (b.requiredSince?.getTime() ?? 0) ||
      a.id - b.id,
  );
  const deadlines = rows.slice(0, limit).flatMap((row) => {
    const deadline = graceDeadline(organisation, row.requiredSince, now);
    return deadline ? [{ id: row.id, deadline }] : [];
  });
  return namedDeadlines(db, organisationId, deadlines);
}

/**
 * When the grace period of someone required since `requiredSince` (null: not
 * yet recorded) ends under the organisation's settings; null when it is over.
 * The deadline from the one rule, not recomputed here.
 */
export function graceDeadline(organisation: OrganisationFacts, requiredSince: Date | null, now: Date): Date | null {
  const requirement = effectiveTwoFactorRequirement({
    isApiAccount: false,
    isSsoUser: false,
    userOverride: "required",
    roleRequiresTwoFactor: true,
    roleRequiresPhishingResistant: false,
    organisationPolicy: organisation.policy,
    graceDays: organisation.graceDays,
    requiredSince,
    now,
  });
  return requirement.level === "required" ? requirement.graceUntil : null;
}

/**
 * The snapshot's flat counts: segments, "method:<method>" per method,
 * "requirement:<level>" per per-user requirement and "grace-within:<days>"
 * (graceEndsWithin), the last three what the users list's filters count
 * from a large organisation's summary (lib/admin/adoption-summary.ts).
 */
export function adoptionCounts(adoption: Adoption): Record<string, number> {
  return {
    total: adoption.total,
    ...adoption.segments,
    ...Object.fromEntries(Object.entries(adoption.methods).map(([method, value]) => [`method:${method}`, value])),
    ...Object.fromEntries(
      Object.entries(adoption.requirements).map(([level, value]) => [`requirement:${level}`, value]),
    ),
    ...Object.fromEntries(adoption.graceEndsWithin.map((value, days) => [`grace-within:${days}`, value])),
  };
}
