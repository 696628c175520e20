"use server";

import { eq } from "drizzle-orm";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db";
import { CODE_DELIVERIES, TWO_FACTOR_REQUIREMENTS, users } from "@/db/schema";
import { formAction, type FormState } from "@/lib/action";
import { idsFromCheckboxes } from "@/lib/admin/access-model";
import { adminTarget, changeAsActor } from "@/lib/flows/admin-change";
import { applyUserAccessChange, signOutUserEverywhere } from "@/lib/admin/user-admin";
import { recordActorEvent } from "@/lib/audit";
import { requirePermission } from "@/lib/auth/guards";
import { deleteSessionOfUser } from "@/lib/auth/sessions";
import { notifyUser } from "@/lib/messaging/notify";
import { resetReasonSchema } from "@/lib/admin/reset-reason";
import { noticeExpiredRequests, resolvePendingRequests } from "@/lib/recovery/requests";
import { removeSecondFactors } from "@/lib/two-factor/authenticator-app/credentials";

const requireUserAdmin = () => requirePermission("users:manage");
const userId = z.coerce.number().int().positive();
const checkbox = z.literal("on").optional().transform(Boolean);

const NOT_FOUND: FormState = { status: "error", message: "That user does not exist." };


export const updateUserAction = formAction({
  guard: requireUserAdmin,
  sensitive: true,
  schema: z
    .object({
      user: userId,
      requirement: z.enum(TWO_FACTOR_REQUIREMENTS, { error: "Choose a two-factor requirement." }),
      codeDelivery: z.enum(CODE_DELIVERIES, { error: "Choose how codes are delivered." }),
      apiAccount: checkbox,
      twoFactorEnabled: checkbox,
      // Present only when the checkbox could be unticked: its absence alone must never remove a factor.
      twoFactorWasEnabled: checkbox,
    })
    // role-<id> and group-<id> checkboxes.
    .catchall(z.string().max(8)),
  async handler(input, current) {
    // Your own roles, requirement, factors and API status are managed on /profile.
    const target = adminTarget(current, input.user, "user.update", { ownAccount: "refuse" });
    if (!target) return NOT_FOUND;
    const removeTwoFactor = input.twoFactorWasEnabled && !input.twoFactorEnabled && target.hasOwnFactor;
    const outcome = changeAsActor(current, "user.update", {
      affected: { userIds: [target.id] },
      change: (tx) =>
        applyUserAccessChange(tx, current.organisation.id, target.id, {
          roleIds: idsFromCheckboxes(input, "role-"),
          groupIds: idsFromCheckboxes(input, "group-"),
          requirement: input.requirement,
          isApiAccount: input.apiAccount,
          codeDelivery: input.codeDelivery,
          removeTwoFactor,
        }),
    });
    if (!outcome.ok) return outcome.state;

    recordActorEvent(getDb(), current, "user.updated", { targetUserId: target.id, details: { requirement: input.requirement, apiAccount: input.apiAccount, codeDelivery: input.codeDelivery } });
    if (removeTwoFactor) {
      recordActorEvent(getDb(), current, "two_factor.disabled", { targetUserId: target.id, details: { byAdministrator: true } });
      await notifyUser(target, current.organisation, {
        subject: "two-factor authentication was turned off",
        heading: "An administrator turned off your two-factor authentication",
        paragraphs: [
          `${current.user.name} turned off two-factor authentication for your account, for example because you lost your phone.`,
          "Your authenticator app, recovery codes, sign-in codes and remembered browsers no longer work. Set it up again from your profile.",
        ],
      });
    }
    if (input.requirement !== target.twoFactorRequirement) {
      recordActorEvent(getDb(), current, "two_factor.requirement_changed", { targetUserId: target.id, details: { from: target.twoFactorRequirement, to: input.requirement } });
      await notifyUser(target, current.organisation, {
        subject: "your two-factor requirement changed",
        heading: "Your two-factor authentication requirement changed",
        paragraphs: [`${current.user.name} changed it from “${target.twoFactorRequirement}” to “${input.requirement}”.`],
      });
    }
    revalidatePath(`/admin/users/${target.id}`);
    return { status: "success", message: "Saved." };
  },
});

export const resetTwoFactorAction = formAction({
  guard: requireUserAdmin,
  sensitive: true,
  // The reason is checked after the target: a forged request about someone
  // out of reach is refused as such, whatever it carries.
  schema: z.object({ user: userId, reason: z.string().optional() }),
  async handler(input, current) {
    // Your own factors are turned off on /profile, with your password and a code.
    const target = adminTarget(current, input.user, "two_factor.reset", { ownAccount: "refuse" });
    if (!target) return NOT_FOUND;
    const reason = resetReasonSchema.safeParse(input.reason);
    if (!reason.success) {
      return { status: "error", message: "Please correct the highlighted field.", fieldErrors: { reason: reason.error.issues[0]?.message ?? "Give a reason." } };
    }
    const outcome = changeAsActor(current, "two_factor.reset", {
      affected: { userIds: [target.id] },
      change: (tx) => {
        removeSecondFactors(tx, target.id);
        // A reset answers the user's recovery requests: closed with it, in this transaction.
        noticeExpiredRequests(tx, current.organisation.id);
        const resolved = resolvePendingRequests(tx, { organisationId: current.organisation.id, userId: target.id, closedByUserId: current.user.id });
        return { ended: signOutUserEverywhere(tx, target.id), resolved };
      },
    });
    if (!outcome.ok) return outcome.state;
    const { ended, resolved } = outcome.value;
    recordActorEvent(getDb(), current, "two_factor.reset", {
      targetUserId: target.id,
      details: { sessionsEnded: ended, reason: reason.data, recoveryRequestsResolved: resolved.length },
    });
    for (const request of resolved) recordActorEvent(getDb(), current, "recovery_request.resolved", { targetUserId: target.id, details: { requestId: request.id } });
    await notifyUser(target, current.organisation, {
      subject: "two-factor authentication was reset",
      heading: "An administrator reset your two-factor authentication",
      paragraphs: [
        `${current.user.name} reset two-factor authentication for your account and signed you out everywhere.`,
        `The reason they gave: “${reason.data}”`,
        "Your authenticator app, sign-in codes, recovery codes and remembered browsers no longer work; you will set them up again.",
      ],
    });
    revalidatePath(`/admin/users/${target.id}`);
    return { status: "success", message: "Two-factor authentication was reset and the user was signed out everywhere." };
  },
});

export const signOutEverywhereAction = formAction({
  guard: requireUserAdmin,
  schema: z.object({ user: userId }),
  async handler(input, current) {
    // Signing yourself out everywhere is harmless: allowed here as on /profile.
    const target = adminTarget(current, input.user, "user.sign_out_everywhere", { ownAccount: "allow" });
    if (!target) return NOT_FOUND;
    const outcome = changeAsActor(current, "user.sign_out_everywhere", {
      affected: { userIds: [target.id] },
      change: (tx) => signOutUserEverywhere(tx, target.id),
    });
    if (!outcome.ok) return outcome.state;
    const ended = outcome.value;
    recordActorEvent(getDb(), current, "user.sessions_revoked", { targetUserId: target.id, details: { sessionsEnded: ended } });
    if (target.id === current.user.id) redirect("/login");
    revalidatePath(`/admin/users/${target.id}`);
    return { status: "success", message: `Signed out of ${ended} session${ended === 1 ? "" : "s"}.` };
  },
});

export const setAccountDisabledAction = formAction({
  guard: requireUserAdmin,
  sensitive: true,
  schema: z.object({ user: userId, disabled: z.enum(["yes", "no"]) }),
  async handler(input, current) {
    const target = adminTarget(current, input.user, "user.disable", { ownAccount: "refuse" });
    if (!target) return NOT_FOUND;
    const disable = input.disabled === "yes";
    const outcome = changeAsActor(current, "user.disable", {
      affected: { userIds: [target.id] },
      change: (tx) => {
        tx.update(users).set({ disabledAt: disable ? new Date() : null }).where(eq(users.id, target.id)).run();
        if (disable) signOutUserEverywhere(tx, target.id);
      },
    });
    if (!outcome.ok) return outcome.state;
    recordActorEvent(getDb(), current, disable ? "user.disabled" : "user.enabled", { targetUserId: target.id });
    revalidatePath(`/admin/users/${target.id}`);
    return { status: "success", message: disable ? "The account is disabled and signed out." : "The account is enabled." };
  },
});

export const endUserSessionAction = formAction({
  guard: requireUserAdmin,
  schema: z.object({ user: userId, session: z.string().min(1).max(100) }),
  async handler(input, current) {
    const target = adminTarget(current, input.user, "session.end", { ownAccount: "allow" });
    if (!target) return NOT_FOUND;
    if (input.session === current.session.tokenHash) return { status: "error", message: "Use “Sign out” to end this session." };
    // Scoped to the user: a session id of anyone else ends nothing.
    const outcome = changeAsActor(current, "session.end", { affected: { userIds: [target.id] }, change: (tx) => deleteSessionOfUser(tx, target.id, input.session) });
    if (!outcome.ok) return outcome.state;
    if (!outcome.value) return { status: "error", message: "That session has already ended." };
    recordActorEvent(getDb(), current, "session.revoked", { targetUserId: target.id, details: { byAdministrator: true } });
    revalidatePath(`/admin/users/${target.id}`);
    return { status: "success", message: "The session was signed out." };
  },
});
