import "server-only";
import type { Administrator } from "@/lib/admin/user-administrators";
import { appUrl } from "@/lib/app-url";
import { formatDateTime } from "@/lib/format";
import { notifyUser } from "@/lib/messaging/notify";
import type { RecoveryRequest } from "@/lib/recovery/requests";
import { describeUserAgent } from "@/lib/user-agent";

type Person = { id: number; email: string; name: string };

/** Template "RecoveryRequestForAdministrator": to each administrator who may reset this user. */
export async function tellAdministratorOfRecoveryRequest(admin: Administrator, user: Person, request: RecoveryRequest, organisation: { name: string }): Promise<void> {
  await notifyUser(admin, organisation, {
    subject: `${user.name} cannot use their two-factor methods`,
    heading: "Someone asks for help signing in",
    paragraphs: [
      `${user.name} (${user.email}) entered their password and said they cannot use any of their two-factor methods, on ${formatDateTime(request.createdAt)} from ${request.ip ?? "an unknown address"} (${describeUserAgent(request.userAgent)}).`,
      // The password alone proves nothing: whoever knows it can press the button (OWASP ASVS 5.0 V6.4.4).
      "Before you do anything, check it is really them by your own means: call them on a number you already know, or see them in person. Do not reply to this email to check.",
      `If it is them, press “Reset two-factor authentication” on their page, and give the reason: ${appUrl(`/admin/users/${user.id}`)}`,
      `If it is not them, dismiss the request there and tell them: someone knows their password. The request expires on ${formatDateTime(request.expiresAt)}.`,
    ],
  });
}

/** Template "RecoveryRequestCreated": to the user, in case it was not them. */
export async function tellUserOfRecoveryRequest(user: Person, request: RecoveryRequest, organisation: { name: string }): Promise<void> {
  await notifyUser(user, organisation, {
    subject: "you asked for help signing in",
    heading: "You asked for help signing in",
    paragraphs: [
      `On ${formatDateTime(request.createdAt)}, after your password was entered correctly, someone said they cannot use any of your two-factor methods and asked your administrators for help.`,
      "If that was you: an administrator will contact you to check it is really you, then reset your two-factor authentication. Nothing changes until then.",
      "If it was not you, someone knows your password. Contact your administrator now so they can dismiss the request.",
    ],
  });
}
