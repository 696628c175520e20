/*
 * What an audit event's details say, as an administrator reads them: one line
 * per fact, "before → after" where the event recorded both, names instead of
 * ids. Pure: the data-access layer looks the names up (lib/data/audit-log.ts)
 * and hands them in.
 *
 * How events record a change, so it reads as one: the new value under its
 * name and the old one under `previous` + Name (`name`, `previousName`), or a
 * single `from` and `to`.
 */

export type AuditDetails = Record<string, string | number | boolean | null>;

export type ReferenceKind = "role" | "group" | "user";

/** Detail keys that hold ids (one, or a comma-separated list), and of what. */
const REFERENCE_KEYS: Record<string, ReferenceKind> = {
  role: "role",
  roles: "role",
  group: "group",
  groups: "group",
  added: "user",
  removed: "user",
  userId: "user",
};

const KEY_LABELS: Record<string, string> = {
  role: "Role",
  roles: "Roles",
  group: "Group",
  groups: "Groups",
  added: "Added",
  removed: "Removed",
  userId: "User",
  requireTwoFactor: "Requires two-factor",
  requirePhishingResistant: "Requires phishing-resistant methods",
  apiAccount: "API account",
  duoSecretKeyChanged: "Duo secret key changed",
  twoFactorPolicy: "Two-factor policy",
  twoFactorGraceDays: "Two-factor grace days",
  allowTotp: "Authenticator app allowed",
  allowCode: "Codes by text or email allowed",
  allowDuo: "Duo allowed",
  allowPasskey: "Passkeys and security keys allowed",
  duoApiHostname: "Duo API hostname",
};

/** What `from` → `to` is about, by event; any other event reads it as "Changed". */
const FROM_TO_LABELS: Record<string, string> = {
  "policy.updated": "Two-factor policy",
  "two_factor_requirement.changed": "Two-factor requirement",
};

export type ResolvedNames = Record<ReferenceKind, Map<number, string>>;

export type AuditChange = { label: string; before?: string; after: string };

function previousKeyOf(key: string): string {
  return `previous${key.charAt(0).toUpperCase()}${key.slice(1)}`;
}

function labelOf(key: string): string {
  if (KEY_LABELS[key]) return KEY_LABELS[key];
  const words = key.replace(/([A-Z])/g, " $1").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function idsIn(value: AuditDetails[string]): number[] {
  if (typeof value === "number") return Number.isSafeInteger(value) ? [value] : [];
  if (typeof value !== "string" || value === "") return [];
  return value
    .split(",")
    .map(Number)
    .filter((id) => Number.isSafeInteger(id) && id > 0);
}

/** Every id the details name, by kind: the data-access layer looks each kind up once for a whole page. */
export function referencedIds(detailsOfPage: Array<AuditDetails | null>): Record<ReferenceKind, Set<number>> {
  const found: Record<ReferenceKind, Set<number>> = { role: new Set(), group: new Set(), user: new Set() };
  for (const details of detailsOfPage) {
    for (const [key, value] of Object.entries(details ?? {})) {
      const kind =
        REFERENCE_KEYS[key] ?? REFERENCE_KEYS[key.replace(/^previous(.)/, (_, c: string) => c.toLowerCase())];
      if (kind) for (const id of idsIn(value)) found[kind].add(id);
    }
  }
  return found;
}

/**
 * One line per fact. `permissionLabels` turns stored permission ids into
 * words; an id that no longer resolves (a deleted role) reads as the name the
 * event recorded, or as its number.
 */
export function describeAuditDetails(
  type: string,
  details: AuditDetails | null,
  names: ResolvedNames,
  permissionLabels: Record<string, string>,
): AuditChange[] {
  if (!details) return [];
  const recordedName = typeof details.name === "string" ? details.name : undefined;

  function show(key: string, value: AuditDetails[string]): string {
    const kind = REFERENCE_KEYS[key];
    if (kind) {
      const ids = idsIn(value);
      if (ids.length === 0) return "none";
      const single = (kind === "role" && key === "role") || (kind === "group" && key === "group");
      return ids.map((id) => names[kind].get(id) ?? (single && recordedName ? recordedName : `#${id}`)).join(", ");
    }
    if (key === "permissions" && typeof value === "string")
      return value === ""
        ? "none"
        : value
            .split(",")
            .map((permission) => permissionLabels[permission] ?? permission)
            .join(", ");
    if (typeof value === "boolean") return value ? "yes" : "no";
    if (value === null || value === "") return "none";
    return String(value);
  }

  const changes: AuditChange[] = [];
  const shown = new Set<string>();
  if ("from" in details || "to" in details) {
    changes.push({
      label: FROM_TO_LABELS[type] ?? "Changed",
      before: show("from", details.from ?? null),
      after: show("to", details.to ?? null),
    });
    shown.add("from").add("to");
  }
  for (const [key, value] of Object.entries(details)) {
    if (shown.has(key)) continue;
    const previousKey = previousKeyOf(key);
    if (previousKey in details) {
      changes.push({ label: labelOf(key), before: show(key, details[previousKey] ?? null), after: show(key, value) });
      shown.add(key).add(previousKey);
      continue;
    }
    // `previousX` without `X`: the old value alone still says something.
    if (/^previous[A-Z]/.test(key)) {
      const subject = key.slice("previous".length);
      const after = subject.charAt(0).toLowerCase() + subject.slice(1);
      if (after in details) continue;
      changes.push({ label: `Previous ${labelOf(after).toLowerCase()}`, after: show(after, value) });
      continue;
    }
    changes.push({ label: labelOf(key), after: show(key, value) });
  }
  // The role or group line already reads as the recorded name: saying it twice is noise.
  const subject = changes.find((change) => change.label === "Role" || change.label === "Group");
  return changes.filter(
    (change) => !(change.label === "Name" && change.before === undefined && subject?.after === change.after),
  );
}
