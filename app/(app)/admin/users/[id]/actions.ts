"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { CODE_DELIVERIES, TWO_FACTOR_REQUIREMENTS } from "@/lib/admin/labels";
import { formAction } from "@/lib/action";
import { idsFromCheckboxes } from "@/lib/admin/access-model";
import { requirePermission } from "@/lib/auth/guards";
import {
  endSessionOfUser,
  resetTwoFactor,
  setAccountDisabled,
  signOutEverywhere,
  updateUserAccess,
} from "@/lib/data/admin-user-changes";
import { unchangedState } from "@/lib/flows/admin-change";
import { fieldError, plural } from "@/lib/messages";
import { databaseId } from "@/lib/database-id";

const requireUserAdmin = () => requirePermission("users:manage");
const userId = databaseId();
const checkbox = z.literal("on").optional().transform(Boolean);

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
    const result = await updateUserAccess(current, {
      userId: input.user,
      roleIds: idsFromCheckboxes(input, "role-"),
      groupIds: idsFromCheckboxes(input, "group-"),
      requirement: input.requirement,
      codeDelivery: input.codeDelivery,
      isApiAccount: input.apiAccount,
      turnOffTwoFactor: input.twoFactorWasEnabled && !input.twoFactorEnabled,
    });
    if (!result.ok) return unchangedState(result);
    revalidatePath(`/admin/users/${input.user}`);
    return { status: "success", message: "Saved." };
  },
});

export const resetTwoFactorAction = formAction({
  guard: requireUserAdmin,
  sensitive: true,
  // The reason is checked after the target (lib/data/admin-user-changes.ts): a
  // forged request about someone out of reach is refused as such, whatever it carries.
  schema: z.object({ user: userId, reason: z.string().optional() }),
  async handler(input, current) {
    const result = await resetTwoFactor(current, { userId: input.user, reason: input.reason });
    if (!result.ok)
      return result.reason === "invalid_reason" ? fieldError("reason", result.error) : unchangedState(result);
    revalidatePath(`/admin/users/${input.user}`);
    return {
      status: "success",
      message: "Two-factor authentication was reset and the user was signed out everywhere.",
    };
  },
});

export const signOutEverywhereAction = formAction({
  guard: requireUserAdmin,
  schema: z.object({ user: userId }),
  async handler(input, current) {
    const result = await signOutEverywhere(current, input.user);
    if (!result.ok) return unchangedState(result);
    if (result.ownAccount) redirect("/login");
    revalidatePath(`/admin/users/${input.user}`);
    return { status: "success", message: `Signed out of ${plural(result.ended, "session")}.` };
  },
});

export const setAccountDisabledAction = formAction({
  guard: requireUserAdmin,
  sensitive: true,
  schema: z.object({ user: userId, disabled: z.enum(["yes", "no"]) }),
  async handler(input, current) {
    const disable = input.disabled === "yes";
    const result = await setAccountDisabled(current, { userId: input.user, disable });
    if (!result.ok) return unchangedState(result);
    revalidatePath(`/admin/users/${input.user}`);
    return {
      status: "success",
      message: disable ? "The account is disabled and signed out." : "The account is enabled.",
    };
  },
});

export const endUserSessionAction = formAction({
  guard: requireUserAdmin,
  schema: z.object({ user: userId, session: z.string().min(1).max(100) }),
  async handler(input, current) {
    const result = await endSessionOfUser(current, { userId: input.user, sessionId: input.session });
    if (!result.ok) {
      if (result.reason === "current_session")
        return { status: "error", message: "Use “Sign out” to end this session." };
      if (result.reason === "already_ended") return { status: "error", message: "That session has already ended." };
      return unchangedState(result);
    }
    revalidatePath(`/admin/users/${input.user}`);
    return { status: "success", message: "The session was signed out." };
  },
});
