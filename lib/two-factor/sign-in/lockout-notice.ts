import { appUrl } from "@/lib/app-url";
import type { SessionOrganisation, SessionUser } from "@/lib/auth/sessions";
import { notifyUser } from "@/lib/messaging/notify";

/** Someone knows the password and keeps failing the second step (codes or Duo): the owner should know. */
export async function warnOwnerOfLockout(user: SessionUser, organisation: SessionOrganisation): Promise<void> {
  await notifyUser(user, organisation, {
    subject: "failed sign-in attempts",
    heading: "Someone is trying to sign in to your account",
    paragraphs: [
      // The numbers are the organisation's settings ("Sign-in protection"), so none is promised here.
      "Your password was entered correctly, then the second step failed too many times, so it is paused for a while.",
      // Signing in is paused, so "change your password" on the profile is out of reach: the reset link is not.
      `If this was not you, someone knows your password: reset it now at ${appUrl("/login/forgot")}`,
    ],
  });
}
