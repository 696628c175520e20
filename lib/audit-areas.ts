import { AUDIT_EVENT_NAMES, auditEventLabel } from "@/lib/audit-events";

/*
 * The audit log's areas: where an event belongs is read from its name's noun
 * (the part before the dot, see lib/audit-events.ts), word by word, so a new
 * name lands in an area without anyone editing this file. The first rule
 * whose words meet the noun's words wins: `sign_in_codes` is about codes
 * (Two-factor) before it is about signing in.
 */

export const AUDIT_AREAS = [
  { id: "sign-in", label: "Sign-in" },
  { id: "two-factor", label: "Two-factor" },
  { id: "sessions", label: "Sessions" },
  { id: "access", label: "Access checks" },
  { id: "users", label: "Users" },
  { id: "roles-groups", label: "Roles and groups" },
  { id: "settings", label: "Settings" },
  { id: "api", label: "API" },
  { id: "other", label: "Other" },
] as const;

export type AuditAreaId = (typeof AUDIT_AREAS)[number]["id"];

/** Checked in this order; a noun none of them meets is "other". */
const RULES: Array<[AuditAreaId, readonly string[]]> = [
  ["roles-groups", ["role", "roles", "group", "groups"]],
  ["api", ["api"]],
  [
    "two-factor",
    [
      "two",
      "factor",
      "duo",
      "authenticator",
      "totp",
      "code",
      "codes",
      "mobile",
      "passkey",
      "passkeys",
      "setup",
      "method",
    ],
  ],
  ["sessions", ["session", "sessions", "browser", "browsers"]],
  ["settings", ["settings", "policy", "retention"]],
  ["access", ["access"]],
  ["sign-in", ["sign", "sso", "login", "password", "recovery"]],
  ["users", ["user", "users", "profile", "invitation", "account"]],
];

/** The area of an event name, stored or new. */
export function auditAreaOf(name: string): AuditAreaId {
  const words = (name.split(".")[0] ?? "").split("_");
  return RULES.find(([, ruleWords]) => ruleWords.some((word) => words.includes(word)))?.[0] ?? "other";
}

export function auditAreaLabel(area: AuditAreaId): string {
  return AUDIT_AREAS.find((candidate) => candidate.id === area)!.label;
}

export function isAuditArea(value: unknown): value is AuditAreaId {
  return AUDIT_AREAS.some((area) => area.id === value);
}

export type AuditEventType = { name: string; label: string };

/** The catalogue's names by area, in the catalogue's order; areas without names are left out. */
export function auditTypesByArea(): Array<{ id: AuditAreaId; label: string; types: AuditEventType[] }> {
  return AUDIT_AREAS.map(({ id, label }) => ({
    id,
    label,
    types: AUDIT_EVENT_NAMES.filter((name) => auditAreaOf(name) === id).map((name) => ({
      name,
      label: auditEventLabel(name),
    })),
  })).filter((area) => area.types.length > 0);
}
