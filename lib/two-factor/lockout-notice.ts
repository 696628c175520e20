import type { SessionOrganisation, SessionUser } from "@/lib/auth/sessions";
import { notifyUser } from "@/lib/messaging/notify";

/** Someone knows the password and keeps failing the second step (codes or Duo): the owner should know. */
export async function warnOwnerOfLockout(user: SessionUser, organisation: SessionOrganisation): Promise<void> {
  await notifyUser(user, organisation, {
    subject: "failed sign-in attempts",
    heading: "Someone is trying to sign in to your account",
    paragraphs: [
      "Your password was entered correctly, then the second step failed 10 times, so it is locked for 15 minutes.",
      "If this was not you, change your password now.",
    ],
  });
}
