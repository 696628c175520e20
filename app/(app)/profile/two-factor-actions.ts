"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { formAction, type FormState } from "@/lib/action";
import { recordActorEvent } from "@/lib/audit";
import { minutesUntil } from "@/lib/auth/attempt-limiter";
import { confirmCurrentPassword } from "@/lib/auth/confirm-password";
import { confirmPasswordAndCode } from "@/lib/flows/confirm-access";
import { requireLocalAccount } from "@/lib/auth/guards";
import { PASSWORD_MAX_LENGTH } from "@/lib/auth/password-policy";
import { notifyUser } from "@/lib/messaging/notify";
import { hasConfirmedAuthenticator, removeSecondFactors } from "@/lib/two-factor/authenticator-app/credentials";
import { beginEnrolment, finishEnrolment, type EnrolmentStart } from "@/lib/flows/authenticator-enrolment";
import { checkSentCodeUnderLimit } from "@/lib/two-factor/sign-in/second-factor-check";
import { replaceRecoveryCodes } from "@/lib/two-factor/recovery-codes/codes";
import { forgetTrustedBrowser, forgetTrustedBrowsersOfUser } from "@/lib/two-factor/sign-in/trusted-browsers";
import { deleteSessionsOfUser } from "@/lib/auth/sessions";
import { eq } from "drizzle-orm";
import { organisations, users } from "@/db/schema";
import { codeRecipientOf, sendSecondFactorCode } from "@/lib/two-factor/sent-codes/sign-in-recipient";
import { planSecondFactorDelivery, sendOneTimeCode } from "@/lib/two-factor/sent-codes/delivery";
import { METHOD_LABELS } from "@/lib/two-factor/policy/methods";
import { sendOutcomeMessage, type CodeSent } from "@/lib/two-factor/sent-codes/send-outcome-message";
import { twoFactorStateOfUser } from "@/lib/two-factor/policy/user-state";
import { appKeyRing } from "@/lib/keys/app-key-ring";

const currentPassword = z
  .string()
  .min(1, { error: "Enter your current password." })
  .max(PASSWORD_MAX_LENGTH, { error: "That is not your current password." });
const code = z
  .string()
  .trim()
  .min(1, { error: "Enter the code." })
  .max(64, { error: "That code is not valid." });

export const startEnrolmentAction = formAction({
  guard: requireLocalAccount,
  sensitive: true,
  schema: z.object({ currentPassword }),
  async handler(input, current): Promise<FormState<EnrolmentStart>> {
    const refusal = await confirmCurrentPassword(getDb(), current.user, input.currentPassword, current.context);
    return refusal ?? beginEnrolment(current);
  },
});

// No revalidation after confirming: the page would swap the enrolment for the
// "on" state and lose the recovery codes, which are shown only this once. The
// form refreshes the page when the user says they saved them.
export const confirmEnrolmentAction = formAction({
  guard: requireLocalAccount,
  sensitive: true,
  schema: z.object({ code }),
  handler: (input, current) => finishEnrolment(current, input.code),
});

export const disableTwoFactorAction = formAction({
  guard: requireLocalAccount,
  sensitive: true,
  schema: z.object({ currentPassword, code }),
  async handler(input, current) {
    const db = getDb();
    const refusal = await confirmPasswordAndCode(current, { password: input.currentPassword, code: input.code });
    if (refusal) return refusal;
    db.transaction((tx) => {
      removeSecondFactors(tx, current.user.id);
      deleteSessionsOfUser(tx, current.user.id, { exceptTokenHash: current.session.tokenHash });
    });
    recordActorEvent(getDb(), current, "two_factor.disabled", { targetUserId: current.user.id });
    await notifyUser(current.user, current.organisation, {
      subject: "two-factor authentication is off",
      heading: "Two-factor authentication was turned off",
      paragraphs: ["Your authenticator app, recovery codes and remembered browsers no longer work for your account."],
    });
    revalidatePath("/", "layout");
    return { status: "success", message: "Two-factor authentication is off." };
  },
});

export const regenerateRecoveryCodesAction = formAction({
  guard: requireLocalAccount,
  sensitive: true,
  schema: z.object({ currentPassword, code }),
  async handler(input, current): Promise<FormState<{ recoveryCodes: string[] }>> {
    const db = getDb();
    if (!hasConfirmedAuthenticator(db, current.user.id)) return { status: "error", message: "Two-factor authentication is off." };
    const refusal = await confirmPasswordAndCode(current, { password: input.currentPassword, code: input.code });
    if (refusal) return refusal;
    const recoveryCodes = db.transaction((tx) => replaceRecoveryCodes(tx, current.user.id, appKeyRing()));
    recordActorEvent(getDb(), current, "recovery_codes.regenerated", { targetUserId: current.user.id });
    await notifyUser(current.user, current.organisation, {
      subject: "new recovery codes",
      heading: "Your recovery codes were replaced",
      paragraphs: ["A new set of recovery codes was made for your account. The old codes no longer work."],
    });
    revalidatePath("/profile");
    return { status: "success", data: { recoveryCodes } };
  },
});

export const forgetBrowserAction = formAction({
  guard: requireLocalAccount,
  schema: z.object({ browser: z.coerce.number().int().positive() }),
  async handler({ browser }, current) {
    if (!forgetTrustedBrowser(getDb(), current.user.id, browser)) return { status: "error", message: "That browser was already forgotten." };
    recordActorEvent(getDb(), current, "trusted_browser.forgotten", { targetUserId: current.user.id, details: { count: 1 } });
    revalidatePath("/profile");
    return { status: "success", message: "The browser will ask for a code at its next sign-in." };
  },
});

export const forgetAllBrowsersAction = formAction({
  guard: requireLocalAccount,
  schema: z.object({}),
  async handler(_input, current) {
    const count = forgetTrustedBrowsersOfUser(getDb(), current.user.id);
    recordActorEvent(getDb(), current, "trusted_browser.forgotten", { targetUserId: current.user.id, details: { count } });
    revalidatePath("/profile");
    return { status: "success", message: "Every browser will ask for a code at its next sign-in." };
  },
});

/** Turning codes on: the password, then a code sent where codes will go, proving it arrives. */
export const startCodesAction = formAction({
  guard: requireLocalAccount,
  sensitive: true,
  schema: z.object({ currentPassword }),
  async handler(input, current): Promise<FormState<CodeSent>> {
    const db = getDb();
    const refusal = await confirmCurrentPassword(db, current.user, input.currentPassword, current.context);
    if (refusal) return refusal;
    const recipient = codeRecipientOf(db, current.user.id)!;
    const { allowCode } = db.select({ allowCode: organisations.allowCode }).from(organisations).where(eq(organisations.id, current.organisation.id)).get()!;
    if (!allowCode) return sendOutcomeMessage({ ok: false, reason: "not_allowed" });
    return sendOutcomeMessage(
      await sendOneTimeCode(db, {
        user: recipient,
        organisation: current.organisation,
        sessionTokenHash: current.session.tokenHash,
        purpose: "enable_codes",
        plan: planSecondFactorDelivery(recipient),
        context: current.context,
      }),
    );
  },
});

export const confirmCodesAction = formAction({
  guard: requireLocalAccount,
  sensitive: true,
  schema: z.object({ code }),
  async handler(input, current) {
    const db = getDb();
    const { user, session } = current;
    const check = checkSentCodeUnderLimit(db, {
      userId: user.id,
      sessionTokenHash: session.tokenHash,
      purpose: "enable_codes",
      code: input.code,
      keys: appKeyRing(),
    });
    if (!check.ok) {
      if (check.reason === "locked") return { status: "error", message: `Too many wrong codes. Try again in ${minutesUntil(check.retryAt)} minutes.` };
      const problem = check.reason === "wrong" && !check.voided ? "That code is not valid." : "This code can no longer be used: start again for a new one.";
      return { status: "error", message: "Please correct the highlighted field.", fieldErrors: { code: problem } };
    }
    db.transaction((tx) => {
      tx.update(users).set({ codesEnabledAt: new Date() }).where(eq(users.id, user.id)).run();
      // Whoever may have held a session before 2FA was on must pass it now.
      deleteSessionsOfUser(tx, user.id, { exceptTokenHash: session.tokenHash });
    });
    recordActorEvent(db, current, "two_factor.codes_enabled", { targetUserId: user.id });
    await notifyUser(user, current.organisation, {
      subject: "sign-in codes are on",
      heading: "Codes by text message or email are on",
      paragraphs: ["Signing in to your account now needs a code we send you as well as your password."],
    });
    revalidatePath("/", "layout");
    return { status: "success", message: "Codes by text message or email are on." };
  },
});

export const updatePreferredMethodAction = formAction({
  guard: requireLocalAccount,
  schema: z.object({ method: z.enum(["totp", "code", "duo"], { error: "Choose one of your methods." }) }),
  async handler({ method }, current) {
    const db = getDb();
    if (!twoFactorStateOfUser(db, current.user.id).methods.includes(method)) {
      return { status: "error", message: "Please correct the highlighted field.", fieldErrors: { method: "Set this method up first." } };
    }
    db.update(users).set({ preferredTwoFactorMethod: method }).where(eq(users.id, current.user.id)).run();
    recordActorEvent(db, current, "two_factor.preferred_method_changed", { targetUserId: current.user.id, details: { method } });
    revalidatePath("/profile");
    return { status: "success", message: `Sign-in will start with: ${METHOD_LABELS[method].toLowerCase()}.` };
  },
});

/**
 * A code to confirm turning 2FA off, for users on codes. Always by email: a
 * mobile number can be changed with the password alone, so a code texted to
 * it proves less than the mailbox does.
 */
export const sendConfirmationCodeAction = formAction({
  guard: requireLocalAccount,
  schema: z.object({}),
  async handler(_input, current) {
    const outcome = await sendSecondFactorCode(getDb(), {
      userId: current.user.id,
      sessionTokenHash: current.session.tokenHash,
      context: current.context,
      byEmail: true,
    });
    const { data: _sentTo, ...message } = sendOutcomeMessage(outcome);
    return message;
  },
});
