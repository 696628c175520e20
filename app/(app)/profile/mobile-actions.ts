"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { formAction, type FormState } from "@/lib/action";
import { requireLocalAccount } from "@/lib/auth/guards";
import { confirmOwnPassword } from "@/lib/data/profile";
import { checkOwnSentCode } from "@/lib/data/profile-factors";
import {
  ownMobile,
  removeOwnMobile,
  sendMobileVerificationCode,
  setOwnVerifiedMobile,
} from "@/lib/data/profile-mobile";
import { fieldError, messages } from "@/lib/messages";
import { notifyUser } from "@/lib/messaging/notify";
import { mobileNumberChangeSchema } from "@/lib/profile-schemas";
import { maskPhone } from "@/lib/two-factor/sent-codes/delivery";
import { sendOutcomeMessage, type CodeSent } from "@/lib/two-factor/sent-codes/send-outcome-message";
import { mobileNumberChanged, mobileNumberRemoved } from "@/lib/messaging/security-emails";

/*
 * A new mobile number is used for codes only once the user has typed a code
 * sent to it; until then the old one stays. Changing it needs the password,
 * and the account's email hears about it.
 */

export const startMobileChangeAction = formAction({
  guard: requireLocalAccount,
  sensitive: true,
  schema: mobileNumberChangeSchema,
  echo: ["mobileNumber", "country"],
  async handler({ mobileNumber, currentPassword: password }, current): Promise<FormState<CodeSent>> {
    const { user, organisation } = current;
    const refusal = await confirmOwnPassword(current, password);
    if (refusal) return refusal;

    if (mobileNumber === null) {
      const removed = await removeOwnMobile(current);
      if (!removed) return { status: "error", message: "You have no mobile number to remove." };
      await notifyUser(user, organisation, mobileNumberRemoved({ maskedNumber: maskPhone(removed) }));
      revalidatePath("/profile");
      return { status: "success", message: "Your mobile number was removed. Codes will come by email." };
    }
    const stored = await ownMobile(current);
    if (mobileNumber === stored.mobileNumber && stored.verified) {
      return {
        status: "error",
        message: "That is already your verified mobile number.",
        fieldErrors: { mobileNumber: "Enter a different number." },
      };
    }
    const outcome = await sendMobileVerificationCode(current, mobileNumber);
    if (!outcome.ok && outcome.reason === "delivery_failed") {
      return {
        status: "error",
        message: "We could not send a text message to that number.",
        fieldErrors: { mobileNumber: "Check the number, or try again in a moment." },
      };
    }
    return sendOutcomeMessage(outcome);
  },
});

export const confirmMobileChangeAction = formAction({
  guard: requireLocalAccount,
  sensitive: true,
  schema: z.object({
    code: z
      .string()
      .trim()
      .min(1, { error: "Enter the code we texted you." })
      .max(64, { error: "That code is not valid." }),
  }),
  async handler({ code }, current) {
    const { user, organisation } = current;
    const check = await checkOwnSentCode(current, "verify_mobile", code);
    if (!check.ok) {
      if (check.reason === "locked") return { status: "error", message: messages.tooManyWrongCodes(check.retryAt) };
      const problem =
        check.reason === "wrong" && !check.voided
          ? "That code is not valid."
          : "This code can no longer be used: enter your number again to get a new one.";
      return fieldError("code", problem);
    }
    const previous = await setOwnVerifiedMobile(current, check.destination);
    // The owner of the old number, who may not be the one who just changed it, hears about it.
    await notifyUser(
      user,
      organisation,
      mobileNumberChanged({
        maskedNumber: maskPhone(check.destination),
        previousMaskedNumber: previous ? maskPhone(previous) : null,
      }),
    );
    revalidatePath("/profile");
    return { status: "success", message: `${maskPhone(check.destination)} is verified.` };
  },
});
