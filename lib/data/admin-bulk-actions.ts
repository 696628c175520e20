import "server-only";
import { and, count, eq, inArray } from "drizzle-orm";
import { getDb } from "@/db";
import { checkOnly } from "@/db/portable-sql";
import { users } from "@/db/schema";
import type { EmailLinkSendLimits } from "@/lib/email-links";
import { inGraceUsers } from "@/lib/admin/adoption";
import { countUsers, MATCH_COUNT_CAP, listUsers } from "@/lib/admin/user-directory";
import { parseUserFilters, userFilterWhere } from "@/lib/admin/user-filters";
import type { CurrentSession } from "@/lib/auth/guards";
import {
  resetTwoFactor,
  setAccountDisabled,
  setTwoFactorRequirement,
  signOutEverywhere,
} from "@/lib/data/admin-user-changes";
import { sendSetupLink } from "@/lib/data/admin-user-links";
import { adminTargetOrRefusal, unchangedState, withRefusalsAsSkips, type AdminTarget } from "@/lib/flows/admin-change";
import type { BulkAction, BulkSkipReason } from "@/lib/admin/bulk-actions";
import type { BulkSelection } from "@/lib/admin/bulk-selection";
import { remindOfGrace } from "@/lib/two-factor/reminders";
import { twoFactorStateOfUser } from "@/lib/two-factor/policy/user-state";
import { hasPasskeySql } from "@/lib/webauthn/passkeys";

/*
 * Bulk actions on /admin/users: each target goes through the single-user
 * action's own domain function (lib/data/admin-user-changes.ts,
 * admin-user-links.ts, lib/two-factor/reminders.ts), so the escalation rules,
 * the transaction and the audit event are theirs, one event per user. What
 * is decided here is only which targets to skip before asking, and in what
 * words: adminTargetOrRefusal is the same check adminTarget makes (ASVS 5.0
 * V8.2.2, authorization per data item), and a target it refuses is listed,
 * not answered with a 403, since ticking a row the actor outranks is no forgery.
 */

/** How many ids one server-action call works through: small enough to answer in a few seconds. */
export const BULK_BATCH_SIZE = 50;

/**
 * A setup link sent this recently, and still live, is not sent again: a
 * replayed or parallel batch must not email anyone twice. Checked and
 * recorded in one transaction per person (createEmailLink), so two batches
 * at once cannot both pass the check.
 */
const SETUP_LINK_REPLAY_WINDOW_MS = 10 * 60 * 1000;
const SETUP_LINK_REPLAY_LIMITS: EmailLinkSendLimits = {
  cooldownMs: SETUP_LINK_REPLAY_WINDOW_MS,
  perWindow: 1,
  windowMs: SETUP_LINK_REPLAY_WINDOW_MS,
  liveOnly: true,
};

/** Ticked rows (their ids, a batch at a time), or everything the list's search and filters match. */

export type BulkTarget = { id: number; name: string };
export type BulkSkip = {
  id: number | null;
  name: string;
  reason: BulkSkipReason;
  /** The single action's own words, for a refusal it decided. */
  message?: string;
};
export type BulkBatchResult = {
  done: BulkTarget[];
  skipped: BulkSkip[];
  /** For a filter: where the next batch starts (keyset, `id > after`); null when this was the last. */
  after: number | null;
};

function filterOf(search: string) {
  const params = new URLSearchParams(search);
  const raw: Record<string, string> = Object.fromEntries(params);
  return { q: (params.get("q") ?? "").trim().slice(0, 100), parsed: parseUserFilters(raw) };
}

/** The filter's WHERE for the actor's organisation, re-evaluated now; null for a filter that does not parse. */
async function filterWhere(current: CurrentSession, search: string) {
  const { q, parsed } = filterOf(search);
  if (Object.keys(parsed.errors).length > 0) return null;
  const where = await userFilterWhere(getDb(), current.organisation.id, parsed.filters);
  return where.ok ? { q, where: where.where } : null;
}

/**
 * How many people the selection names in the actor's organisation, for the
 * confirmation ("Reset 2FA for 37 people?"): ids of other organisations and
 * ids that do not exist are not counted. Null for a filter that does not parse.
 */
export async function bulkSelectionCount(current: CurrentSession, selection: BulkSelection): Promise<number | null> {
  const db = getDb();
  const organisationId = current.organisation.id;
  if ("ids" in selection) {
    if (selection.ids.length === 0) return 0;
    const [row] = await db
      .select({ n: count() })
      .from(users)
      .where(and(inArray(users.id, selection.ids), checkOnly(users.organisationId, organisationId)));
    return row?.n ?? 0;
  }
  const filter = await filterWhere(current, selection.search);
  if (!filter) return null;
  // The confirmation states how many the run will act on, never "1001": counted to the end only past the
  // list's cap, so a preview of a small selection costs what the list's own count does.
  const query = { q: filter.q, filter: filter.where };
  const capped = await countUsers(db, organisationId, query);
  return capped > MATCH_COUNT_CAP ? countUsers(db, organisationId, query, Infinity) : capped;
}

/** One batch's targets: the ticked ids (at most a batch's worth), or the filter's next page by id. */
async function batchTargets(
  current: CurrentSession,
  selection: BulkSelection,
  after: number,
): Promise<{ targets: BulkTarget[]; unknown: number[]; after: number | null } | null> {
  const db = getDb();
  const organisationId = current.organisation.id;
  if ("ids" in selection) {
    const ids = [...new Set(selection.ids)].slice(0, BULK_BATCH_SIZE);
    const found =
      ids.length === 0
        ? []
        : await db
            .select({ id: users.id, name: users.name })
            .from(users)
            .where(and(inArray(users.id, ids), checkOnly(users.organisationId, organisationId)));
    const known = new Set(found.map((row) => row.id));
    return {
      targets: ids.flatMap((id) => found.filter((row) => row.id === id)),
      unknown: ids.filter((id) => !known.has(id)),
      after: null,
    };
  }
  const filter = await filterWhere(current, selection.search);
  if (!filter) return null;
  // Keyset paging of the filter, evaluated at run time: never every id at once, in the server or the browser.
  const { rows, hasMore } = await listUsers(db, organisationId, {
    q: filter.q,
    filter: filter.where,
    sort: "created",
    direction: "asc",
    page: 1,
    pageSize: BULK_BATCH_SIZE,
    afterId: after,
  });
  return {
    targets: rows.map((row) => ({ id: row.id, name: row.name })),
    unknown: [],
    after: hasMore ? rows.at(-1)!.id : null,
  };
}

async function hasPasskey(userId: number): Promise<boolean> {
  const [row] = await getDb().select({ has: hasPasskeySql }).from(users).where(eq(users.id, userId));
  return Boolean(row?.has);
}

/** Why this action does not apply to the target, before asking the single action; null when it applies. */
async function notApplicable(action: BulkAction, target: AdminTarget, now: Date): Promise<BulkSkipReason | null> {
  const apiAccountHasNoTwoFactor: BulkAction[] = ["require", "reset", "setupLink", "reminder"];
  if (target.isApiAccount && apiAccountHasNoTwoFactor.includes(action)) return "api_account";
  switch (action) {
    case "require": {
      // Already required, by any road (the organisation, a role, or a stricter per-user "phishing_resistant"):
      // writing "required" over it would at best pin it and at worst lower a phishing-resistant-only
      // person to codes a proxy page can relay (NIST SP 800-63B-4 §3.2.5).
      // A stored "phishing_resistant" counts even while it is dormant (2FA off for the organisation, an SSO
      // user): it applies again the day the policy or the sign-in changes, and must then still be keys only.
      if (target.twoFactorRequirement === "required" || target.twoFactorRequirement === "phishing_resistant")
        return "already_required";
      const { requirement } = await twoFactorStateOfUser(getDb(), target.id, now);
      return requirement.level === "required" ? "already_required" : null;
    }
    case "reset":
      return target.hasOwnFactor || (await hasPasskey(target.id)) ? null : "nothing_to_reset";
    case "setupLink":
      // A link sent in the replay window is refused by the send itself, under its lock.
      return target.hasTotp ? "has_authenticator" : null;
    case "disable":
      return target.disabledAt ? "already_disabled" : null;
    default:
      return null;
  }
}

type Outcome = { ok: true } | { ok: false; reason: BulkSkipReason; message?: string };

/** The single-user action itself, for one target the rules let the actor act on. */
async function actOn(
  current: CurrentSession,
  action: BulkAction,
  target: AdminTarget,
  options: { reason?: string; now: Date },
): Promise<Outcome> {
  const unchanged = (result: Parameters<typeof unchangedState>[0]): Outcome => ({
    ok: false,
    reason: "refused",
    message: unchangedState(result).message,
  });
  switch (action) {
    case "require": {
      // The requirement alone: roles and groups changed meanwhile are left as they are now.
      const result = await setTwoFactorRequirement(current, {
        userId: target.id,
        from: target.twoFactorRequirement,
        to: "required",
      });
      return result.ok ? result : unchanged(result);
    }
    case "reset": {
      const result = await resetTwoFactor(current, { userId: target.id, reason: options.reason });
      if (result.ok) return result;
      return result.reason === "invalid_reason"
        ? { ok: false, reason: "refused", message: result.error }
        : unchanged(result);
    }
    case "signOut": {
      const result = await signOutEverywhere(current, target.id);
      return result.ok ? { ok: true } : unchanged(result);
    }
    case "disable": {
      const result = await setAccountDisabled(current, { userId: target.id, disable: true });
      return result.ok ? result : unchanged(result);
    }
    case "setupLink": {
      const result = await sendSetupLink(current, target.id, { limits: SETUP_LINK_REPLAY_LIMITS });
      if (result.ok) return result;
      if (result.reason === "too_soon") return { ok: false, reason: "setup_link_recent" };
      return result.reason === "delivery_failed"
        ? { ok: false, reason: "undelivered" }
        : { ok: false, reason: "refused", message: result.message };
    }
    case "reminder": {
      const [person] = await inGraceUsers(getDb(), current.organisation.id, options.now, 1, undefined, [target.id]);
      if (!person) return { ok: false, reason: target.hasOwnFactor ? "has_two_factor" : "not_in_grace" };
      const outcome = await remindOfGrace(getDb(), current.organisation, person, options.now, {
        userId: current.user.id,
        context: current.context,
      });
      if (outcome === "sent") return { ok: true };
      return { ok: false, reason: outcome === "already_reminded" ? "already_reminded" : "undelivered" };
    }
  }
}

/**
 * Runs one batch of a bulk action: each target is looked up in the actor's
 * organisation (another organisation's id, or one that does not exist, is
 * skipped as "not found" and named by nobody), checked against the
 * escalation rules, then handed to the single-user action. Null for a filter
 * that does not parse.
 */
export async function runBulkBatch(
  current: CurrentSession,
  action: BulkAction,
  selection: BulkSelection,
  options: { after?: number; reason?: string; now?: Date } = {},
): Promise<BulkBatchResult | null> {
  const now = options.now ?? new Date();
  const batch = await batchTargets(current, selection, options.after ?? 0);
  if (!batch) return null;
  const result: BulkBatchResult = {
    done: [],
    skipped: batch.unknown.map((id) => ({ id: null, name: `User #${id}`, reason: "not_found" as const })),
    after: batch.after,
  };
  for (const { id, name } of batch.targets) {
    const found = await adminTargetOrRefusal(current, id, {
      // Skipped by every bulk action: what the single actions refuse belongs on /profile, and signing
      // yourself out (which the single action allows) would end the run halfway.
      ownAccount: "refuse",
    });
    if (!found) {
      result.skipped.push({ id: null, name, reason: "not_found" });
      continue;
    }
    if (!found.ok) {
      result.skipped.push({ id, name, reason: found.refusal.reason === "own_account" ? "own_account" : "outranks" });
      continue;
    }
    const skip = await notApplicable(action, found.target, now);
    if (skip) {
      result.skipped.push({ id, name, reason: skip });
      continue;
    }
    // Someone whose rank rose since the check above is refused by the action itself: listed, and the run goes on.
    const acted = await withRefusalsAsSkips(() =>
      actOn(current, action, found.target, { reason: options.reason, now }),
    );
    const outcome: Outcome = acted === "refused" ? { ok: false, reason: "may_not_act" } : acted;
    if (outcome.ok) result.done.push({ id, name });
    else result.skipped.push({ id, name, reason: outcome.reason, message: outcome.message });
  }
  return result;
}
