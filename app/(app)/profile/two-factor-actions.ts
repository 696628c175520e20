"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { formAction, type FormState } from "@/lib/action";
import { requireLocalAccount } from "@/lib/auth/guards";
import { PASSWORD_MAX_LENGTH } from "@/lib/auth/password-policy";
import { confirmOwnPassword } from "@/lib/data/profile";
import {
  checkOwnSentCode,
  disableOwnTwoFactor,
  forgetAllOwnBrowsers,
  forgetOwnBrowser,
  hasOwnAuthenticator,
  regenerateOwnRecoveryCodes,
  sendEnableCodesCode,
  sendOwnConfirmationCode,
  setOwnPreferredMethod,
  turnOnOwnCodes,
} from "@/lib/data/profile-factors";
import { hasOwnPasskey } from "@/lib/data/profile-passkeys";
import { beginEnrolment, finishEnrolment, type EnrolmentStart } from "@/lib/flows/authenticator-enrolment";
import { confirmPasswordAndCode } from "@/lib/flows/confirm-access";
import { fieldError, messages, otherSessionsSignedOutText } from "@/lib/messages";
import { notifyUser } from "@/lib/messaging/notify";
import { METHOD_LABELS } from "@/lib/two-factor/policy/methods";
import { sendOutcomeMessage, type CodeSent } from "@/lib/two-factor/sent-codes/send-outcome-message";
import { recoveryCodesReplaced, signInCodesEnabled, twoFactorDisabled } from "@/lib/messaging/security-emails";
import { databaseId } from "@/lib/database-id";

const currentPassword = z
  .string()
  .min(1, { error: "Enter your current password." })
  .max(PASSWORD_MAX_LENGTH, { error: "That is not your current password." });
const code = z.string().trim().min(1, { error: "Enter the code." }).max(64, { error: "That code is not valid." });

export const startEnrolmentAction = formAction({
  guard: requireLocalAccount,
  sensitive: true,
  schema: z.object({ currentPassword }),
  async handler(input, current): Promise<FormState<EnrolmentStart>> {
    const refusal = await confirmOwnPassword(current, input.currentPassword);
    return refusal ?? beginEnrolment(current);
  },
});

// The page re-renders at once, so the card says 2FA is on above the new
// recovery codes; the enrolment form stays mounted to keep showing them.
export const confirmEnrolmentAction = formAction({
  guard: requireLocalAccount,
  sensitive: true,
  schema: z.object({ code }),
  async handler(input, current) {
    const finished = await finishEnrolment(current, input.code);
    if (finished.status === "success") revalidatePath("/", "layout");
    return finished;
  },
});

export const disableTwoFactorAction = formAction({
  guard: requireLocalAccount,
  sensitive: true,
  schema: z.object({ currentPassword, code }),
  async handler(input, current) {
    const refusal = await confirmPasswordAndCode(current, { password: input.currentPassword, code: input.code });
    if (refusal) return refusal;
    await disableOwnTwoFactor(current);
    await notifyUser(current.user, current.organisation, twoFactorDisabled());
    revalidatePath("/", "layout");
    return { status: "success", message: "Two-factor authentication is off." };
  },
});

export const regenerateRecoveryCodesAction = formAction({
  guard: requireLocalAccount,
  sensitive: true,
  schema: z.object({ currentPassword, code }),
  async handler(input, current): Promise<FormState<{ recoveryCodes: string[] }>> {
    if (!(await hasOwnAuthenticator(current))) return { status: "error", message: "Two-factor authentication is off." };
    const refusal = await confirmPasswordAndCode(current, { password: input.currentPassword, code: input.code });
    if (refusal) return refusal;
    const recoveryCodes = await regenerateOwnRecoveryCodes(current);
    await notifyUser(current.user, current.organisation, recoveryCodesReplaced());
    revalidatePath("/profile");
    return { status: "success", data: { recoveryCodes } };
  },
});

/**
 * A new set for a user whose codes came with a passkey and who has no
 * authenticator app to take a code from: the fresh confirmation of access
 * (sensitive; /confirm-access asks for the password and the passkey) is the
 * proof, as the password and a code are for an app user.
 */
export const regeneratePasskeyRecoveryCodesAction = formAction({
  guard: requireLocalAccount,
  sensitive: true,
  schema: z.object({}),
  async handler(_input, current): Promise<FormState<{ recoveryCodes: string[] }>> {
    if ((await hasOwnAuthenticator(current)) || !(await hasOwnPasskey(current)))
      return { status: "error", message: "Two-factor authentication is off." };
    const recoveryCodes = await regenerateOwnRecoveryCodes(current);
    await notifyUser(current.user, current.organisation, recoveryCodesReplaced());
    revalidatePath("/profile");
    return { status: "success", data: { recoveryCodes } };
  },
});

export const forgetBrowserAction = formAction({
  guard: requireLocalAccount,
  schema: z.object({ browser: databaseId() }),
  async handler({ browser }, current) {
    if (!(await forgetOwnBrowser(current, browser)))
      return { status: "error", message: "That browser was already forgotten." };
    revalidatePath("/profile");
    return { status: "success", message: "The browser will ask for a code at its next sign-in." };
  },
});

export const forgetAllBrowsersAction = formAction({
  guard: requireLocalAccount,
  schema: z.object({}),
  async handler(_input, current) {
    await forgetAllOwnBrowsers(current);
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
    const refusal = await confirmOwnPassword(current, input.currentPassword);
    if (refusal) return refusal;
    return sendOutcomeMessage(await sendEnableCodesCode(current));
  },
});

export const confirmCodesAction = formAction({
  guard: requireLocalAccount,
  sensitive: true,
  schema: z.object({ code }),
  async handler(input, current) {
    const check = await checkOwnSentCode(current, "enable_codes", input.code);
    if (!check.ok) {
      if (check.reason === "locked") return { status: "error", message: messages.tooManyWrongCodes(check.retryAt) };
      const problem =
        check.reason === "wrong" && !check.voided
          ? "That code is not valid."
          : "This code can no longer be used: start again for a new one.";
      return fieldError("code", problem);
    }
    const otherSessionsEnded = await turnOnOwnCodes(current);
    await notifyUser(current.user, current.organisation, signInCodesEnabled());
    revalidatePath("/", "layout");
    const message = `Codes by text message or email are on. ${otherSessionsSignedOutText(otherSessionsEnded)}`;
    return { status: "success", message: message.trim() };
  },
});

export const updatePreferredMethodAction = formAction({
  guard: requireLocalAccount,
  schema: z.object({ method: z.enum(["totp", "code", "duo", "passkey"], { error: "Choose one of your methods." }) }),
  async handler({ method }, current) {
    if (!(await setOwnPreferredMethod(current, method))) return fieldError("method", "Set this method up first.");
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
    const { data: _sentTo, ...message } = sendOutcomeMessage(await sendOwnConfirmationCode(current));
    return message;
  },
});
