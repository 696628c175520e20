import "server-only";
import { eq } from "drizzle-orm";
import { getDb } from "@/db";
import { users } from "@/db/schema";
import { recordActorEvent } from "@/lib/audit";
import type { CurrentSession } from "@/lib/auth/guards";
import { sendOneTimeCode, type SendOutcome } from "@/lib/two-factor/sent-codes/delivery";
import { codeRecipientOf } from "@/lib/two-factor/sent-codes/sign-in-recipient";

/*
 * The signed-in user's own mobile number. A new number is used for codes only
 * once a code sent to it was typed back (see profile-factors' checkOwnSentCode).
 */

export type OwnMobile = { mobileNumber: string | null; verified: boolean };

export async function ownMobile(current: CurrentSession): Promise<OwnMobile> {
  const { mobileNumber, mobileVerifiedAt } = (await codeRecipientOf(getDb(), current.user.id))!;
  return { mobileNumber, verified: mobileVerifiedAt !== null };
}

/** Removes the number; returns the one removed, or null when there was none. */
export async function removeOwnMobile(current: CurrentSession): Promise<string | null> {
  const db = getDb();
  const { mobileNumber } = (await codeRecipientOf(db, current.user.id))!;
  if (!mobileNumber) return null;
  await db.update(users).set({ mobileNumber: null, mobileVerifiedAt: null }).where(eq(users.id, current.user.id));
  await recordActorEvent(db, current, "mobile.removed", { targetUserId: current.user.id });
  return mobileNumber;
}

/** A code by text message to the new number, bound to this session. */
export async function sendMobileVerificationCode(current: CurrentSession, mobileNumber: string): Promise<SendOutcome> {
  const db = getDb();
  return sendOneTimeCode(db, {
    user: (await codeRecipientOf(db, current.user.id))!,
    organisation: current.organisation,
    sessionTokenHash: current.session.tokenHash,
    purpose: "verify_mobile",
    plan: { channel: "sms", destination: mobileNumber, emailFallback: null },
    context: current.context,
  });
}

/** The number a code arrived at becomes the user's; returns the number it replaced, if any. */
export async function setOwnVerifiedMobile(current: CurrentSession, mobileNumber: string): Promise<string | null> {
  const db = getDb();
  const previous = (await codeRecipientOf(db, current.user.id))!.mobileNumber;
  await db.update(users).set({ mobileNumber, mobileVerifiedAt: new Date() }).where(eq(users.id, current.user.id));
  await recordActorEvent(db, current, "mobile.verified", {
    targetUserId: current.user.id,
    details: { replacedNumber: Boolean(previous) },
  });
  return previous;
}
