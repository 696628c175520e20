import "server-only";
import { and, eq } from "drizzle-orm";
import { changedRows, getDb } from "@/db";
import { users, type CodeDelivery, type TwoFactorRequirement } from "@/db/schema";
import { resetReasonSchema } from "@/lib/admin/reset-reason";
import { applyUserAccessChange, signOutUserEverywhere } from "@/lib/admin/user-admin";
import { recordActorEvent } from "@/lib/audit";
import type { CurrentSession } from "@/lib/auth/guards";
import { deleteSessionOfUser } from "@/lib/auth/sessions";
import type { FormState } from "@/lib/action";
import {
  adminTarget,
  changeAsActor,
  notInOrganisation,
  type AdminTarget,
  type Unchanged,
} from "@/lib/flows/admin-change";
import { notifyUser } from "@/lib/messaging/notify";
import { dismissPendingRequest, noticeExpiredRequests, resolvePendingRequests } from "@/lib/recovery/requests";
import { removeSecondFactors } from "@/lib/two-factor/authenticator-app/credentials";
import { deletePasskeyOfUser, deletePasskeysOfUser } from "@/lib/admin/user-passkeys";
import { clearFactorFailures } from "@/lib/two-factor/sign-in/factor-lock";
import {
  passkeyRemovedByAdministrator,
  secondFactorUnlocked,
  twoFactorDisabledByAdministrator,
  twoFactorRequirementChanged,
  twoFactorReset,
} from "@/lib/messaging/security-emails";

/*
 * The changes an administrator makes to one user from their admin page. Each
 * asks adminTarget first: an id outside the actor's organisation is "not
 * found", one who outranks the actor is refused with a 403 (audited), and
 * changeAsActor decides the delegation rules again inside the transaction.
 */

type Done<T = object> = { ok: true } & T;

export type UserAccessInput = {
  userId: number;
  roleIds: number[];
  groupIds: number[];
  requirement: TwoFactorRequirement;
  codeDelivery: CodeDelivery;
  isApiAccount: boolean;
  /** Whether the form's box could be unticked, and is: its absence alone must never remove a factor. */
  turnOffTwoFactor: boolean;
};

/** Roles, groups, requirement, code delivery and API status; turning two-factor off when asked. Not for the actor's own account. */
export async function updateUserAccess(current: CurrentSession, input: UserAccessInput): Promise<Done | Unchanged> {
  // Your own roles, requirement, factors and API status are managed on /profile.
  const target = await adminTarget(current, input.userId, "user.update", { ownAccount: "refuse" });
  if (!target) return notInOrganisation;
  const removeTwoFactor = input.turnOffTwoFactor && target.hasOwnFactor;
  const outcome = await changeAsActor(current, "user.update", {
    affected: { userIds: [target.id] },
    change: async (tx) =>
      await applyUserAccessChange(tx, current.organisation.id, target.id, {
        roleIds: input.roleIds,
        groupIds: input.groupIds,
        requirement: input.requirement,
        isApiAccount: input.isApiAccount,
        codeDelivery: input.codeDelivery,
        removeTwoFactor,
      }),
  });
  if (!outcome.ok) return { ok: false, reason: "rules", state: outcome.state };

  // Roles and groups are authorization changes (ASVS V16.3.2): recorded before → after, read by name in the log.
  const access = outcome.value;
  const sameIds = (a: number[], b: number[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();
  await recordActorEvent(getDb(), current, "user.updated", {
    targetUserId: target.id,
    details: {
      requirement: input.requirement,
      apiAccount: input.isApiAccount,
      codeDelivery: input.codeDelivery,
      ...(sameIds(access.previous.roleIds, access.roleIds)
        ? {}
        : { roles: access.roleIds.join(","), previousRoles: access.previous.roleIds.join(",") }),
      ...(sameIds(access.previous.groupIds, access.groupIds)
        ? {}
        : { groups: access.groupIds.join(","), previousGroups: access.previous.groupIds.join(",") }),
    },
  });
  if (removeTwoFactor) {
    await recordActorEvent(getDb(), current, "two_factor.disabled", {
      targetUserId: target.id,
      details: { byAdministrator: true, passkeysRemoved: access.passkeysRemoved.length },
    });
    await recordPasskeysRemoved(current, target.id, access.passkeysRemoved, "two_factor_disabled");
    await notifyUser(target, current.organisation, twoFactorDisabledByAdministrator({ actorName: current.user.name }));
  }
  await announceRequirementChange(current, target, input.requirement);
  return { ok: true };
}

/** The audit event and the email for a changed per-user requirement; nothing when it is unchanged. */
async function announceRequirementChange(
  current: CurrentSession,
  target: AdminTarget,
  to: TwoFactorRequirement,
): Promise<void> {
  const from = target.twoFactorRequirement;
  if (to === from) return;
  await recordActorEvent(getDb(), current, "two_factor_requirement.changed", {
    targetUserId: target.id,
    details: { from, to },
  });
  await notifyUser(
    target,
    current.organisation,
    twoFactorRequirementChanged({ actorName: current.user.name, from, to }),
  );
}

const REQUIREMENT_CHANGED_MEANWHILE: FormState = {
  status: "error",
  message: "Someone changed this person's two-factor requirement in the meantime. Reload the page.",
};

/**
 * Sets the per-user two-factor requirement and nothing else (bulk "Require
 * 2FA"): the rank rules, the start of the grace period, the audit event and
 * the email are updateUserAccess's, but roles, groups and the other settings
 * are not rewritten from a copy read moments before, so a concurrent change
 * to them stands. Written only while the requirement is still `from` (what
 * the caller decided on): a stricter one set meanwhile is never lowered.
 */
export async function setTwoFactorRequirement(
  current: CurrentSession,
  input: { userId: number; from: TwoFactorRequirement; to: TwoFactorRequirement },
): Promise<Done | Unchanged> {
  const target = await adminTarget(current, input.userId, "user.update", { ownAccount: "refuse" });
  if (!target) return notInOrganisation;
  if (target.twoFactorRequirement !== input.from)
    return { ok: false, reason: "rules", state: REQUIREMENT_CHANGED_MEANWHILE };
  const outcome = await changeAsActor(current, "user.update", {
    affected: { userIds: [target.id] },
    change: async (tx) =>
      changedRows(
        await tx
          .update(users)
          .set({ twoFactorRequirement: input.to })
          .where(and(eq(users.id, target.id), eq(users.twoFactorRequirement, input.from))),
      ),
  });
  if (!outcome.ok) return { ok: false, reason: "rules", state: outcome.state };
  if (outcome.value === 0) return { ok: false, reason: "rules", state: REQUIREMENT_CHANGED_MEANWHILE };
  await announceRequirementChange(current, target, input.to);
  return { ok: true };
}

/**
 * One `passkey.removed` per passkey an administrator's turn-off or reset took,
 * as for a single removal: the log names each credential that stopped working
 * (ASVS 5.0 V16.3.1).
 */
async function recordPasskeysRemoved(
  current: CurrentSession,
  targetUserId: number,
  removed: Array<{ id: number; name: string }>,
  by: "two_factor_disabled" | "two_factor_reset",
): Promise<void> {
  for (const passkey of removed)
    await recordActorEvent(getDb(), current, "passkey.removed", {
      targetUserId,
      details: { passkeyId: passkey.id, name: passkey.name, byAdministrator: true, with: by },
    });
}

/**
 * Clears the user's second factors, answers their recovery requests and signs
 * them out everywhere. The reason is checked after the target: a forged
 * request about someone out of reach is refused as such, whatever it carries.
 */
export async function resetTwoFactor(
  current: CurrentSession,
  input: { userId: number; reason: string | undefined },
): Promise<Done | Unchanged | { ok: false; reason: "invalid_reason"; error: string }> {
  // Your own factors are turned off on /profile, with your password and a code.
  const target = await adminTarget(current, input.userId, "two_factor.reset", { ownAccount: "refuse" });
  if (!target) return notInOrganisation;
  const reason = resetReasonSchema.safeParse(input.reason);
  if (!reason.success)
    return { ok: false, reason: "invalid_reason", error: reason.error.issues[0]?.message ?? "Give a reason." };
  const outcome = await changeAsActor(current, "two_factor.reset", {
    affected: { userIds: [target.id] },
    change: async (tx) => {
      await removeSecondFactors(tx, target.id);
      // Passkeys too: a reset is for a lost or compromised device, and a passkey lives on one.
      const passkeys = await deletePasskeysOfUser(tx, target.id);
      // A reset answers the user's recovery requests: closed with it, in this transaction.
      await noticeExpiredRequests(tx, current.organisation.id);
      const resolved = await resolvePendingRequests(tx, {
        organisationId: current.organisation.id,
        userId: target.id,
        closedByUserId: current.user.id,
      });
      return { ended: await signOutUserEverywhere(tx, target.id), resolved, passkeys };
    },
  });
  if (!outcome.ok) return { ok: false, reason: "rules", state: outcome.state };
  const { ended, resolved, passkeys } = outcome.value;
  await recordActorEvent(getDb(), current, "two_factor.reset", {
    targetUserId: target.id,
    details: {
      sessionsEnded: ended,
      reason: reason.data,
      recoveryRequestsResolved: resolved.length,
      passkeysRemoved: passkeys.length,
    },
  });
  await recordPasskeysRemoved(current, target.id, passkeys, "two_factor_reset");
  for (const request of resolved)
    await recordActorEvent(getDb(), current, "recovery_request.resolved", {
      targetUserId: target.id,
      details: { requestId: request.id },
    });
  await notifyUser(target, current.organisation, twoFactorReset({ actorName: current.user.name, reason: reason.data }));
  return { ok: true };
}

/**
 * "Remove" on one of the user's passkeys (a lost device): under the same
 * permission and rank checks as resetting two-factor authentication. The
 * passkey id is checked to be this user's, and the user to be of the actor's
 * organisation; any other id removes nothing and reads as not found.
 */
export async function removePasskeyOfUser(
  current: CurrentSession,
  input: { userId: number; passkeyId: number },
): Promise<Done<{ name: string }> | Unchanged | { ok: false; reason: "passkey_not_found" }> {
  // Your own passkeys are removed on /profile, after confirming access.
  const target = await adminTarget(current, input.userId, "passkey.remove", { ownAccount: "refuse" });
  if (!target) return notInOrganisation;
  const outcome = await changeAsActor(current, "passkey.remove", {
    affected: { userIds: [target.id] },
    change: async (tx) => await deletePasskeyOfUser(tx, target.id, input.passkeyId),
  });
  if (!outcome.ok) return { ok: false, reason: "rules", state: outcome.state };
  const removed = outcome.value;
  if (!removed) return { ok: false, reason: "passkey_not_found" };
  await recordActorEvent(getDb(), current, "passkey.removed", {
    targetUserId: target.id,
    details: { passkeyId: input.passkeyId, name: removed.name, byAdministrator: true },
  });
  await notifyUser(
    target,
    current.organisation,
    passkeyRemovedByAdministrator({ actorName: current.user.name, passkeyName: removed.name }),
  );
  return { ok: true, name: removed.name };
}

/** Ends every session of the user; signing yourself out everywhere is harmless, so allowed here as on /profile. */
export async function signOutEverywhere(
  current: CurrentSession,
  userId: number,
): Promise<Done<{ ended: number; ownAccount: boolean }> | Unchanged> {
  const target = await adminTarget(current, userId, "user.sign_out_everywhere", { ownAccount: "allow" });
  if (!target) return notInOrganisation;
  const outcome = await changeAsActor(current, "user.sign_out_everywhere", {
    affected: { userIds: [target.id] },
    change: async (tx) => await signOutUserEverywhere(tx, target.id),
  });
  if (!outcome.ok) return { ok: false, reason: "rules", state: outcome.state };
  await recordActorEvent(getDb(), current, "user_sessions.revoked", {
    targetUserId: target.id,
    details: { sessionsEnded: outcome.value },
  });
  return { ok: true, ended: outcome.value, ownAccount: target.id === current.user.id };
}

/** Disables (and signs out) or enables the account. Not for the actor's own account. */
export async function setAccountDisabled(
  current: CurrentSession,
  input: { userId: number; disable: boolean },
): Promise<Done | Unchanged> {
  const target = await adminTarget(current, input.userId, "user.disable", { ownAccount: "refuse" });
  if (!target) return notInOrganisation;
  const { disable } = input;
  const outcome = await changeAsActor(current, "user.disable", {
    affected: { userIds: [target.id] },
    change: async (tx) => {
      await tx
        .update(users)
        .set({ disabledAt: disable ? new Date() : null })
        .where(eq(users.id, target.id));
      if (disable) await signOutUserEverywhere(tx, target.id);
    },
  });
  if (!outcome.ok) return { ok: false, reason: "rules", state: outcome.state };
  await recordActorEvent(getDb(), current, disable ? "user.disabled" : "user.enabled", { targetUserId: target.id });
  return { ok: true };
}

/** Ends one session of the user, named by its id from their admin page; never the actor's current one. */
export async function endSessionOfUser(
  current: CurrentSession,
  input: { userId: number; sessionId: string },
): Promise<Done | Unchanged | { ok: false; reason: "current_session" } | { ok: false; reason: "already_ended" }> {
  const target = await adminTarget(current, input.userId, "session.end", { ownAccount: "allow" });
  if (!target) return notInOrganisation;
  if (input.sessionId === current.session.tokenHash) return { ok: false, reason: "current_session" };
  // Scoped to the user: a session id of anyone else ends nothing.
  const outcome = await changeAsActor(current, "session.end", {
    affected: { userIds: [target.id] },
    change: async (tx) => await deleteSessionOfUser(tx, target.id, input.sessionId),
  });
  if (!outcome.ok) return { ok: false, reason: "rules", state: outcome.state };
  if (!outcome.value) return { ok: false, reason: "already_ended" };
  await recordActorEvent(getDb(), current, "session.revoked", {
    targetUserId: target.id,
    details: { byAdministrator: true },
  });
  return { ok: true };
}

/**
 * Lifts the lock the cap of consecutive wrong codes set (NIST SP 800-63B-4
 * §3.2.2), under the same permission and rank checks as resetting two-factor
 * authentication. `wasLocked` is false when there was nothing to lift.
 */
export async function unlockSecondFactor(
  current: CurrentSession,
  userId: number,
): Promise<Done<{ wasLocked: boolean }> | Unchanged> {
  // Your own second step is unlocked with one of your recovery codes.
  const target = await adminTarget(current, userId, "two_factor.unlock", { ownAccount: "refuse" });
  if (!target) return notInOrganisation;
  const outcome = await changeAsActor(current, "two_factor.unlock", {
    affected: { userIds: [target.id] },
    change: async (tx) => await clearFactorFailures(tx, target.id),
  });
  if (!outcome.ok) return { ok: false, reason: "rules", state: outcome.state };
  const cleared = outcome.value;
  if (!cleared) return { ok: true, wasLocked: false };
  await recordActorEvent(getDb(), current, "two_factor.unlocked", {
    targetUserId: target.id,
    details: { by: "administrator", failures: cleared.failures },
  });
  // Template "SecondFactorUnlocked".
  await notifyUser(target, current.organisation, secondFactorUnlocked({ actorName: current.user.name }));
  return { ok: true, wasLocked: true };
}

/**
 * "Dismiss request": the administrator could not confirm it was really the
 * user (or it was not them). Under the same permission and rank checks as the
 * reset it would otherwise lead to.
 */
export async function dismissRecoveryRequest(
  current: CurrentSession,
  input: { userId: number; requestId: number },
): Promise<Done | Unchanged | { ok: false; reason: "not_pending" }> {
  // Your own request is for another administrator to answer.
  const target = await adminTarget(current, input.userId, "recovery_request.dismiss", { ownAccount: "refuse" });
  if (!target) return notInOrganisation;
  const outcome = await changeAsActor(current, "recovery_request.dismiss", {
    affected: { userIds: [target.id] },
    // Scoped to this user in this organisation: another request id dismisses nothing.
    change: async (tx) =>
      await dismissPendingRequest(tx, {
        organisationId: current.organisation.id,
        userId: target.id,
        requestId: input.requestId,
        closedByUserId: current.user.id,
      }),
  });
  if (!outcome.ok) return { ok: false, reason: "rules", state: outcome.state };
  if (!outcome.value) return { ok: false, reason: "not_pending" };
  await recordActorEvent(getDb(), current, "recovery_request.dismissed", {
    targetUserId: target.id,
    details: { requestId: outcome.value.id },
  });
  return { ok: true };
}
