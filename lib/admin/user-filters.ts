import { and, eq, isNull, lt, lte, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { databaseId } from "@/lib/database-id";
import type { Db } from "@/db";
import {
  groups,
  roles,
  TWO_FACTOR_METHODS,
  TWO_FACTOR_REQUIREMENTS,
  users,
  type TwoFactorRequirement,
} from "@/db/schema";
import { organisationFacts, segmentConditions } from "@/lib/admin/adoption";
import { USER_FILTER_MESSAGES } from "@/lib/messages";
import { REQUIREMENT_CHOICE_LABELS } from "@/lib/two-factor/policy/requirement-labels";

/*
 * The users list's filters (/admin/users, its CSV export and /api/v1/users),
 * read from the address and turned into one WHERE over "users". Every value
 * is validated (ASVS 5.0 V2.2.1: input validated against an allow-list);
 * a bad one is named beside its field, never a 500. Role and group ids are
 * looked up within the actor's organisation (ASVS 5.0 V8.2.2: no object from
 * another tenant by id). Who needs 2FA comes from requiredSql, the SQL twin
 * of effectiveTwoFactorRequirement, never a copy of the rule.
 */

/** Where a person stands with 2FA; the /admin overview links to these values. A partition: each person has one. */
export const USER_STATES = ["protected", "in_grace", "past_grace", "optional_without", "exempt"] as const;
export type UserState = (typeof USER_STATES)[number];

export const USER_STATE_LABELS: Record<UserState, string> = {
  protected: "Protected",
  in_grace: "In grace period",
  past_grace: "Grace period over",
  optional_without: "Optional, no factor",
  exempt: "Exempt (API or SSO)",
};

/** The methods and per-user requirements the filter offers: every one the database knows. */
export const FILTER_METHODS = TWO_FACTOR_METHODS;
export const FILTER_REQUIREMENTS = TWO_FACTOR_REQUIREMENTS;

/** The per-user override as the filter names it (the user form's words). */
export const OVERRIDE_LABELS: Record<TwoFactorRequirement, string> = REQUIREMENT_CHOICE_LABELS;

export const USER_FILTER_FIELDS = [
  "state",
  "method",
  "requirement",
  "role",
  "group",
  "graceWithinDays",
  "lastSignInBefore",
] as const;
export type UserFilterField = (typeof USER_FILTER_FIELDS)[number];

const DAY_MS = 24 * 60 * 60 * 1000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

const filterSchema = z.object({
  state: z.enum(USER_STATES, { error: USER_FILTER_MESSAGES.state }).optional(),
  method: z.enum(TWO_FACTOR_METHODS, { error: USER_FILTER_MESSAGES.method }).optional(),
  requirement: z.enum(TWO_FACTOR_REQUIREMENTS, { error: USER_FILTER_MESSAGES.requirement }).optional(),
  role: databaseId(USER_FILTER_MESSAGES.role).optional(),
  group: databaseId(USER_FILTER_MESSAGES.group).optional(),
  graceWithinDays: z.coerce
    .number({ error: USER_FILTER_MESSAGES.graceWithinDays })
    .int(USER_FILTER_MESSAGES.graceWithinDays)
    .min(0, USER_FILTER_MESSAGES.graceWithinDays)
    .max(3650, USER_FILTER_MESSAGES.graceWithinDays)
    .optional(),
  lastSignInBefore: z
    .string()
    .regex(DAY, USER_FILTER_MESSAGES.lastSignInBefore)
    .refine((day) => {
      const date = new Date(`${day}T00:00:00Z`);
      return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(day);
    }, USER_FILTER_MESSAGES.lastSignInBefore)
    .optional(),
});

export type UserFilters = z.infer<typeof filterSchema>;
/** The filters as typed, for the form to show again. */
export type UserFilterValues = Record<UserFilterField, string>;

export type ParsedUserFilters = {
  values: UserFilterValues;
  /** By field; when any, the list shows them and no users. */
  errors: Partial<Record<UserFilterField, string>>;
  filters: UserFilters;
};

type SearchParams = Record<string, string | string[] | undefined>;

function first(raw: SearchParams, key: string): string {
  const value = raw[key];
  return ((Array.isArray(value) ? value[0] : value) ?? "").trim().slice(0, 100);
}

/** Reads the filters from an address's parameters; empty fields are no filter. */
export function parseUserFilters(raw: SearchParams): ParsedUserFilters {
  const values = Object.fromEntries(USER_FILTER_FIELDS.map((field) => [field, first(raw, field)])) as UserFilterValues;
  const present = Object.fromEntries(Object.entries(values).filter(([, value]) => value !== ""));
  const parsed = filterSchema.safeParse(present);
  if (parsed.success) return { values, errors: {}, filters: parsed.data };
  const errors: ParsedUserFilters["errors"] = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] as UserFilterField;
    errors[field] ??= USER_FILTER_MESSAGES[field];
  }
  return { values, errors, filters: {} };
}

/** Whether any filter is set. */
export function hasUserFilters(filters: UserFilters): boolean {
  return USER_FILTER_FIELDS.some((field) => filters[field] !== undefined);
}

/** The filters as address parameters, in a stable order (links, exports, the API's cursor check). */
export function userFilterParams(filters: UserFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const field of USER_FILTER_FIELDS) {
    const value = filters[field];
    if (value !== undefined) params.set(field, String(value));
  }
  return params;
}

export type UserFilterWhere = { ok: true; where: SQL | undefined } | { ok: false; errors: ParsedUserFilters["errors"] };

/**
 * The WHERE for `filters` over "users" of `organisationId` (the caller adds
 * the organisation itself). Refuses a role or group of another organisation
 * with the same words as one that does not exist.
 */
export async function userFilterWhere(
  db: Db,
  organisationId: number,
  filters: UserFilters,
  now = new Date(),
): Promise<UserFilterWhere> {
  const errors: ParsedUserFilters["errors"] = {};
  if (filters.role !== undefined) {
    const [role] = await db
      .select({ id: roles.id })
      .from(roles)
      .where(and(eq(roles.id, filters.role), eq(roles.organisationId, organisationId)));
    if (!role) errors.role = USER_FILTER_MESSAGES.role;
  }
  if (filters.group !== undefined) {
    const [group] = await db
      .select({ id: groups.id })
      .from(groups)
      .where(and(eq(groups.id, filters.group), eq(groups.organisationId, organisationId)));
    if (!group) errors.group = USER_FILTER_MESSAGES.group;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  if (!hasUserFilters(filters)) return { ok: true, where: undefined };

  const organisation = (await organisationFacts(db, organisationId))!;
  const c = segmentConditions(organisation, now);
  const STATE: Record<UserState, SQL> = {
    exempt: c.exempt,
    protected: c.isProtected,
    // The grace conditions read one column: first, so most users are passed over before their factors and roles are looked up.
    in_grace: sql`(${c.inGrace} and ${c.owesSetup})`,
    past_grace: sql`(not ${c.inGrace} and ${c.owesSetup})`,
    optional_without: c.optionalWithout,
  };
  const graceDays = organisation.graceDays;

  const conditions: Array<SQL | undefined> = [];
  if (filters.state) conditions.push(STATE[filters.state]);
  if (filters.method) conditions.push(sql`(${c.isProtected} and ${c.methodSql[filters.method]})`);
  if (filters.requirement) conditions.push(eq(users.twoFactorRequirement, filters.requirement));
  if (filters.role !== undefined) {
    // Asked of each user the list walks (two index lookups), not gathered first: an "in (…)" list
    // of a common role's 20,000 holders costs more than the page it filters.
    conditions.push(sql`(exists (
      select 1 from "user_roles" where "user_roles"."user_id" = "users"."id" and "user_roles"."role_id" = ${filters.role}
    ) or exists (
      select 1 from "group_members"
        join "group_roles" on "group_roles"."group_id" = "group_members"."group_id"
        where "group_members"."user_id" = "users"."id" and "group_roles"."role_id" = ${filters.role}
    ))`);
  }
  if (filters.group !== undefined) {
    conditions.push(
      sql`exists (select 1 from "group_members" where "group_members"."user_id" = "users"."id" and "group_members"."group_id" = ${filters.group})`,
    );
  }
  if (filters.graceWithinDays !== undefined) {
    // In grace, and the grace ends within N days: requiredSince + graceDays <= now + N.
    const latestStart = new Date(now.getTime() + (filters.graceWithinDays - graceDays) * DAY_MS);
    const endsSoon =
      graceDays <= filters.graceWithinDays
        ? or(isNull(users.twoFactorRequiredSince), lte(users.twoFactorRequiredSince, latestStart))
        : lte(users.twoFactorRequiredSince, latestStart);
    conditions.push(sql`(${endsSoon} and ${c.inGrace} and ${c.owesSetup})`);
  }
  if (filters.lastSignInBefore) {
    // Never signed in counts as before any day: the filter finds accounts nobody uses.
    const before = new Date(`${filters.lastSignInBefore}T00:00:00Z`);
    conditions.push(or(isNull(users.lastSignInAt), lt(users.lastSignInAt, before)));
  }
  return { ok: true, where: and(...conditions) };
}
