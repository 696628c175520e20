import type { SessionOrganisation, SessionUser } from "@/lib/auth/sessions";
import { notifyUser } from "@/lib/messaging/notify";
import { signInPaused } from "@/lib/messaging/security-emails";

/** Someone knows the password and keeps failing the second step (codes or Duo): the owner should know. */
export async function warnOwnerOfLockout(user: SessionUser, organisation: SessionOrganisation): Promise<void> {
  await notifyUser(user, organisation, signInPaused());
}
