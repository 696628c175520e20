import { eq } from "drizzle-orm";
import QRCode from "qrcode";
import { getDb } from "@/db";
import { organisations } from "@/db/schema";
import type { FormState } from "@/lib/action";
import { recordActorEvent } from "@/lib/audit";
import type { CurrentSession } from "@/lib/auth/guards";
import { deleteSessionsOfUser } from "@/lib/auth/sessions";
import { notifyUser } from "@/lib/messaging/notify";
import { twoFactorEnabled } from "@/lib/messaging/security-emails";
import {
  confirmAuthenticatorEnrolment,
  startAuthenticatorEnrolment,
} from "@/lib/two-factor/authenticator-app/credentials";
import { groupSecret, totpUri } from "@/lib/two-factor/authenticator-app/totp";
import { appKeyRing } from "@/lib/keys/app-key-ring";
import { fieldError, messages } from "@/lib/messages";
import { phishingResistantOnly } from "@/lib/two-factor/policy/methods";
import { twoFactorStateOfUser } from "@/lib/two-factor/policy/user-state";

/*
 * Enrolling an authenticator app, shared by /profile (signed in) and
 * /login/setup (required at sign-in). Callers guard and, on the profile,
 * re-check the password first.
 */

/**
 * `uri` is the otpauth:// link the QR code encodes: on a phone, where the QR
 * code cannot be scanned by the phone showing it, the link opens the app.
 */
export type EnrolmentStart = { qrCode: string; secret: string; uri: string };
/** `otherSessionsEnded`: sessions elsewhere that turning 2FA on signed out, so the user is told. */
export type EnrolmentFinish = { recoveryCodes: string[]; otherSessionsEnded: number };

export async function beginEnrolment({ user, organisation }: CurrentSession): Promise<FormState<EnrolmentStart>> {
  const db = getDb();
  const { allowTotp } = (
    await db
      .select({ allowTotp: organisations.allowTotp })
      .from(organisations)
      .where(eq(organisations.id, organisation.id))
  )[0]!;
  if (!allowTotp) return { status: "error", message: "Your organisation does not allow authenticator apps." };
  // It would never be accepted at sign-in (lib/two-factor/sign-in/second-factor-check.ts).
  if (phishingResistantOnly((await twoFactorStateOfUser(db, user.id)).requirement))
    return { status: "error", message: messages.phishingResistantSetup };
  const started = await startAuthenticatorEnrolment(db, user.id, appKeyRing());
  if (!started.ok) return { status: "error", message: "Two-factor authentication is already on." };
  // The issuer and account name the entry in the app: "Acme (ada@acme.test)".
  const uri = totpUri({ issuer: organisation.name || "Twofold", account: user.email, secret: started.secret });
  const qrCode = await QRCode.toDataURL(uri, { margin: 1, width: 240, errorCorrectionLevel: "M" });
  return { status: "success", data: { qrCode, secret: groupSecret(started.secret), uri } };
}

export async function finishEnrolment(current: CurrentSession, code: string): Promise<FormState<EnrolmentFinish>> {
  const db = getDb();
  const result = await confirmAuthenticatorEnrolment(db, current.user.id, code, appKeyRing());
  if (!result.ok) {
    if (result.reason === "wrong_code") {
      return fieldError(
        "code",
        "That code is not valid. Check that your phone's clock is set automatically, then try the newest code.",
      );
    }
    if (result.reason === "locked") return { status: "error", message: messages.tooManyWrongCodes(result.retryAt) };
    return { status: "error", message: "This setup has expired. Start again with “Enable two-factor authentication”." };
  }
  // Whoever may have held a session before 2FA was on must pass it now.
  const otherSessionsEnded = await deleteSessionsOfUser(db, current.user.id, {
    exceptTokenHash: current.session.tokenHash,
  });
  await recordActorEvent(db, current, "authenticator_app.enabled", { targetUserId: current.user.id });
  await notifyUser(current.user, current.organisation, twoFactorEnabled());
  return { status: "success", data: { recoveryCodes: result.recoveryCodes, otherSessionsEnded } };
}
