"use server";

import { eq } from "drizzle-orm";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { users } from "@/db/schema";
import { formAction, type FormState } from "@/lib/action";
import { recordActorEvent } from "@/lib/audit";
import { confirmCurrentPassword } from "@/lib/auth/confirm-password";
import { requireLocalAccount } from "@/lib/auth/guards";
import { PASSWORD_MAX_LENGTH } from "@/lib/auth/password-policy";
import { notifyUser } from "@/lib/messaging/notify";
import { mobileNumberSchema } from "@/lib/profile-schemas";
import { codeRecipientOf } from "@/lib/two-factor/sent-codes/sign-in-recipient";
import { maskPhone, sendOneTimeCode } from "@/lib/two-factor/sent-codes/delivery";
import { checkSentCodeUnderLimit } from "@/lib/two-factor/sign-in/second-factor-check";
import { minutesUntil } from "@/lib/auth/attempt-limiter";
import { sendOutcomeMessage, type CodeSent } from "@/lib/two-factor/sent-codes/send-outcome-message";
import { appKeyRing } from "@/lib/keys/app-key-ring";

/*
 * A new mobile number is used for codes only once the user has typed a code
 * sent to it; until then the old one stays. Changing it needs the password,
 * and the account's email hears about it.
 */

const currentPassword = z
  .string()
  .min(1, { error: "Enter your current password." })
  .max(PASSWORD_MAX_LENGTH, { error: "That is not your current password." });

export const startMobileChangeAction = formAction({
  guard: requireLocalAccount,
  sensitive: true,
  schema: z.object({ mobileNumber: mobileNumberSchema, currentPassword }),
  echo: ["mobileNumber"],
  async handler({ mobileNumber, currentPassword: password }, current): Promise<FormState<CodeSent>> {
    const db = getDb();
    const { user, organisation, session, context } = current;
    const refusal = await confirmCurrentPassword(db, user, password, context);
    if (refusal) return refusal;
    const stored = codeRecipientOf(db, user.id)!;

    if (mobileNumber === null) {
      if (!stored.mobileNumber) return { status: "error", message: "You have no mobile number to remove." };
      db.update(users).set({ mobileNumber: null, mobileVerifiedAt: null }).where(eq(users.id, user.id)).run();
      recordActorEvent(db, current, "mobile.removed", { targetUserId: user.id });
      await notifyUser(user, organisation, {
        subject: "mobile number removed",
        heading: "Your mobile number was removed",
        paragraphs: [`${maskPhone(stored.mobileNumber)} no longer receives sign-in codes for your account; they will come by email.`],
      });
      revalidatePath("/profile");
      return { status: "success", message: "Your mobile number was removed. Codes will come by email." };
    }
    if (mobileNumber === stored.mobileNumber && stored.mobileVerifiedAt) {
      return { status: "error", message: "That is already your verified mobile number.", fieldErrors: { mobileNumber: "Enter a different number." } };
    }
    const outcome = await sendOneTimeCode(db, {
      user: stored,
      organisation,
      sessionTokenHash: session.tokenHash,
      purpose: "verify_mobile",
      plan: { channel: "sms", destination: mobileNumber, emailFallback: null },
      context,
    });
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
  schema: z.object({ code: z.string().trim().min(1, { error: "Enter the code we texted you." }).max(64, { error: "That code is not valid." }) }),
  async handler({ code }, current) {
    const db = getDb();
    const { user, organisation, session } = current;
    const binding = { userId: user.id, sessionTokenHash: session.tokenHash, purpose: "verify_mobile" as const };
    const check = checkSentCodeUnderLimit(db, { ...binding, code, keys: appKeyRing() });
    if (!check.ok) {
      if (check.reason === "locked") return { status: "error", message: `Too many wrong codes. Try again in ${minutesUntil(check.retryAt)} minutes.` };
      const problem =
        check.reason === "wrong" && !check.voided
          ? "That code is not valid."
          : "This code can no longer be used: enter your number again to get a new one.";
      return { status: "error", message: "Please correct the highlighted field.", fieldErrors: { code: problem } };
    }
    const previous = codeRecipientOf(db, user.id)!.mobileNumber;
    db.update(users).set({ mobileNumber: check.destination, mobileVerifiedAt: new Date() }).where(eq(users.id, user.id)).run();
    recordActorEvent(db, current, "mobile.verified", { targetUserId: user.id, details: { replacedNumber: Boolean(previous) } });
    // The owner of the old number, who may not be the one who just changed it, hears about it.
    await notifyUser(user, organisation, {
      subject: "new mobile number",
      heading: "Your mobile number was changed",
      paragraphs: [
        previous
          ? `Sign-in codes by text message now go to ${maskPhone(check.destination)} instead of ${maskPhone(previous)}.`
          : `Sign-in codes by text message now go to ${maskPhone(check.destination)}.`,
      ],
    });
    revalidatePath("/profile");
    return { status: "success", message: `${maskPhone(check.destination)} is verified.` };
  },
});
