import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import { forbidden } from "next/navigation";
import { getDb } from "@/db";
import type { FormState } from "@/lib/action";
import {
  delegatedChange,
  LAST_ADMINISTRATOR_MESSAGE,
  refusalToActOn,
  type Affected,
} from "@/lib/admin/delegated-change";
import { OWN_ACCOUNT_REFUSAL, type Refusal } from "@/lib/admin/delegation";
import { findUserInOrganisation } from "@/lib/admin/user-admin";
import { recordActorEvent } from "@/lib/audit";
import type { CurrentSession } from "@/lib/auth/guards";

/*
 * How admin actions obey lib/admin/delegation.ts. The pages never offer what
 * the rules forbid, so a refused request was forged or replayed: it is
 * audited (type "access.refused", for a full administrator to filter on) and
 * answered 403. Ids of another organisation never get this far: they are
 * "not found", with no audit row naming them.
 */

/** Inside withRefusalsAsSkips: a refusal ends that one change, not the request. */
const refusalsSkip = new AsyncLocalStorage<true>();

class RefusedHere extends Error {
  constructor() {
    super("refused by the delegation rules");
  }
}

/** Records the refusal and answers 403 (inside withRefusalsAsSkips, ends only that change). */
export async function refuse(
  current: CurrentSession,
  action: string,
  refusal: Refusal,
  targetUserId?: number,
): Promise<never> {
  await recordActorEvent(getDb(), current, "access.refused", {
    targetUserId,
    details: { action, reason: refusal.reason },
  });
  if (refusalsSkip.getStore()) throw new RefusedHere();
  forbidden();
}

/**
 * Runs one admin change of a bulk run, where a refusal by the rank rules is
 * no forgery but someone's rank changing since the run's own check (it asked
 * adminTargetOrRefusal moments before): still refused and audited, but
 * answered as `"refused"` so the run lists that person and goes on (ASVS 5.0
 * V8.2.2, authorization per data item, decided again at the change).
 */
export async function withRefusalsAsSkips<T>(change: () => Promise<T>): Promise<T | "refused"> {
  try {
    return await refusalsSkip.run(true, change);
  } catch (error) {
    if (error instanceof RefusedHere) return "refused";
    throw error;
  }
}

const OWN_TWO_FACTOR_MESSAGE =
  "This would lower the two-factor authentication required of you. Another administrator can make that change.";

export type AdminTarget = NonNullable<Awaited<ReturnType<typeof findUserInOrganisation>>>;

/**
 * The user an admin action is about, or why the actor may not act on them,
 * without answering: null when they are not in the actor's organisation.
 * Bulk actions (lib/data/admin-bulk-actions.ts) list a refusal as a skipped
 * target; adminTarget below turns it into a 403.
 */
export async function adminTargetOrRefusal(
  current: CurrentSession,
  userId: number,
  options: { ownAccount: "refuse" | "allow" },
): Promise<{ ok: true; target: AdminTarget } | { ok: false; refusal: Refusal; target: AdminTarget } | null> {
  const target = await findUserInOrganisation(getDb(), current.organisation.id, userId);
  if (!target) return null;
  if (options.ownAccount === "refuse" && target.id === current.user.id)
    return { ok: false, refusal: OWN_ACCOUNT_REFUSAL, target };
  const refusal = await refusalToActOn(getDb(), current.organisation.id, current.user.id, target.id);
  return refusal ? { ok: false, refusal, target } : { ok: true, target };
}

/**
 * The user an admin action is about: null when they are not in the actor's
 * organisation; 403 when they outrank the actor (every admin action on a
 * user asks here, so none can forget the rank; changeAsActor decides again
 * inside its transaction). `ownAccount: "refuse"` turns the actor's own
 * account away: what it guards belongs on /profile, behind the password and a code.
 */
export async function adminTarget(
  current: CurrentSession,
  userId: number,
  action: string,
  options: { ownAccount: "refuse" | "allow" },
): Promise<AdminTarget | null> {
  const found = await adminTargetOrRefusal(current, userId, options);
  if (!found) return null;
  if (!found.ok) await refuse(current, action, found.refusal, found.target.id);
  return found.target;
}

/**
 * Runs `change` for the actor under the delegation rules (see delegatedChange):
 * the change's value, or the form error for leaving no full administrator;
 * a refusal by the rules ends in 403.
 */
export async function changeAsActor<T>(
  current: CurrentSession,
  action: string,
  options: {
    affected: Affected;
    edited?: { roleId: number } | { groupId: number };
    change: Parameters<typeof delegatedChange<T>>[1]["change"];
  },
): Promise<{ ok: true; value: T } | { ok: false; state: FormState }> {
  const outcome = await delegatedChange(getDb(), {
    organisationId: current.organisation.id,
    actorUserId: current.user.id,
    ...options,
  });
  if (outcome.ok) return outcome;
  if ("refusal" in outcome) await refuse(current, action, outcome.refusal, options.affected.userIds?.[0]);
  if ("ownTwoFactorLowered" in outcome) {
    // The page offers this (a role's 2FA box), so it is a message there, and audited.
    await recordActorEvent(getDb(), current, "access.refused", {
      targetUserId: current.user.id,
      details: { action, reason: "own_two_factor" },
    });
    return { ok: false, state: { status: "error", message: OWN_TWO_FACTOR_MESSAGE } };
  }
  if ("notFound" in outcome)
    return {
      ok: false,
      state: {
        status: "error",
        message: "That no longer exists: someone changed it in the meantime. Reload the page.",
      },
    };
  return { ok: false, state: { status: "error", message: LAST_ADMINISTRATOR_MESSAGE } };
}

/** The words for an id that is not a user of the actor's organisation: the same as for one that never existed. */
export const USER_NOT_FOUND: FormState = { status: "error", message: "That user does not exist." };

/**
 * Why an admin change on a user was not made: the user is not in the actor's
 * organisation, or the delegation rules said no in words meant for the form
 * (changeAsActor). A refusal that is a forgery never gets here: it is a 403.
 */
export type Unchanged = { ok: false; reason: "not_found" } | { ok: false; reason: "rules"; state: FormState };

export const notInOrganisation: Unchanged = { ok: false, reason: "not_found" };

/** The form state an action answers for an unchanged outcome. */
export function unchangedState(outcome: Unchanged): FormState {
  return outcome.reason === "not_found" ? USER_NOT_FOUND : outcome.state;
}
