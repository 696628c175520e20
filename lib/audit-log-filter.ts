import { AUDIT_EVENT_NAMES } from "@/lib/audit-events";
import { AUDIT_AREAS, auditAreaOf, isAuditArea, type AuditAreaId } from "@/lib/audit-areas";
import type { AuditFilter } from "@/lib/admin/audit-log";
import { isDatabaseId } from "@/lib/database-id";

/*
 * The audit log's filter, read from the address. Whatever arrives, the page
 * renders: a value it cannot use is either ignored (an unknown type) or named
 * in a message beside its field (a date that is not one), never a 500.
 */

type SearchParams = Record<string, string | string[] | undefined>;

/** What the form shows again, as typed. */
export type AuditFilterValues = {
  user: string;
  actor: string;
  from: string;
  to: string;
  userId: string;
  areas: AuditAreaId[];
  types: string[];
};

export type ParsedAuditFilter = {
  values: AuditFilterValues;
  /** By field name; when any, the page shows them and no events. */
  errors: Partial<Record<"from" | "to" | "userId", string>>;
  filter: AuditFilter;
};

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const KNOWN_TYPES = new Set<string>(AUDIT_EVENT_NAMES);

function all(raw: SearchParams, key: string): string[] {
  const value = raw[key];
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((entry) => entry !== "");
}

function first(raw: SearchParams, key: string): string {
  return (all(raw, key)[0] ?? "").trim().slice(0, 254);
}

/** The offset of `timeZone` from UTC at `instant`, in milliseconds. */
function offsetAt(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  }).formatToParts(instant);
  const part = (type: string) => Number(parts.find((entry) => entry.type === type)!.value);
  const asUtc = Date.UTC(part("year"), part("month") - 1, part("day"), part("hour"), part("minute"), part("second"));
  return asUtc - (instant - (instant % 1000));
}

/** The instant a calendar day begins for someone in `timeZone`; null when `day` is not a real date. */
export function startOfDay(day: string, timeZone: string, addDays = 0): Date | null {
  const match = DAY.exec(day);
  if (!match) return null;
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const midnightUtc = Date.UTC(year, month - 1, date + addDays);
  const check = new Date(Date.UTC(year, month - 1, date));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== date) return null;
  // Twice: the first guess may fall on the other side of a daylight-saving change.
  const guess = midnightUtc - offsetAt(midnightUtc, timeZone);
  return new Date(midnightUtc - offsetAt(guess, timeZone));
}

/**
 * The events the chips select: for each chosen area, its chosen types, or all
 * of its types when none of them is chosen; chosen types of other areas too.
 * Undefined when nothing is chosen: every type.
 */
export function typesSelected(areas: AuditAreaId[], types: string[]): string[] | undefined {
  if (areas.length === 0 && types.length === 0) return undefined;
  const chosenAreasWithTypes = new Set(types.map(auditAreaOf));
  const wholeAreas = areas.filter((area) => !chosenAreasWithTypes.has(area));
  return [...types, ...AUDIT_EVENT_NAMES.filter((name) => wholeAreas.includes(auditAreaOf(name)))];
}

export function parseAuditFilter(raw: SearchParams, timeZone: string): ParsedAuditFilter {
  const areaOrder = AUDIT_AREAS.map((area) => area.id);
  const values: AuditFilterValues = {
    user: first(raw, "user"),
    actor: first(raw, "actor"),
    from: first(raw, "from"),
    to: first(raw, "to"),
    userId: first(raw, "userId"),
    areas: [...new Set(all(raw, "area").filter(isAuditArea))].sort(
      (a, b) => areaOrder.indexOf(a) - areaOrder.indexOf(b),
    ),
    types: [...new Set(all(raw, "type").filter((type) => KNOWN_TYPES.has(type)))],
  };
  const errors: ParsedAuditFilter["errors"] = {};
  const from = values.from ? startOfDay(values.from, timeZone) : undefined;
  // The whole of the last day: up to the start of the next.
  const to = values.to ? startOfDay(values.to, timeZone, 1) : undefined;
  if (from === null) errors.from = "Enter the start date as a date, like 2026-01-31.";
  if (to === null) errors.to = "Enter the end date as a date, like 2026-01-31.";
  if (from && values.to && values.from > values.to) errors.from = "The start date is after the end date.";
  const userId = values.userId ? Number(values.userId) : undefined;
  if (userId !== undefined && !isDatabaseId(userId))
    errors.userId = "That user id is not a number: open the user's events from their page.";
  const before = Number(first(raw, "before"));
  return {
    values,
    errors,
    filter: {
      user: values.user || undefined,
      actor: values.actor || undefined,
      types: typesSelected(values.areas, values.types),
      userId: errors.userId ? undefined : userId,
      from: from ?? undefined,
      to: to ?? undefined,
      before: isDatabaseId(before) ? before : undefined,
    },
  };
}

/** The address of the log with these values (and an optional page), empty ones left out. */
export function auditLogHref(values: AuditFilterValues, before?: number): string {
  const params = new URLSearchParams();
  for (const key of ["user", "actor", "from", "to", "userId"] as const)
    if (values[key]) params.append(key, values[key]);
  for (const area of values.areas) params.append("area", area);
  for (const type of values.types) params.append("type", type);
  if (before) params.append("before", String(before));
  const query = params.toString();
  return query ? `/admin/audit?${query}` : "/admin/audit";
}
