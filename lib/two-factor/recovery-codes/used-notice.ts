import "server-only";
import { appUrl } from "@/lib/app-url";
import { notifyUser } from "@/lib/messaging/notify";

/**
 * Template "RecoveryCodeUsed": a recovery code is the last resort of a lost
 * factor, or a sign that someone has the password and the printed codes
 * (NIST SP 800-63B-4 §4.2, ASVS 5.0 V6.3.6: notify the subscriber when a recovery
 * authenticator is used). The owner hears of every use.
 */
export async function tellOwnerRecoveryCodeUsed(user: { email: string; name: string }, organisation: { name: string }, codesLeft: number): Promise<void> {
  await notifyUser(user, organisation, {
    subject: "a recovery code was used",
    heading: "A recovery code was used on your account",
    paragraphs: [
      `One of your recovery codes was just used. ${codesLeftText(codesLeft)}`,
      `If you lost your phone or authenticator app, set up a new method and create new recovery codes on your profile: ${appUrl("/profile")}`,
      `If it was not you, someone has your password and a recovery code: reset your password at ${appUrl("/login/forgot")}`,
    ],
  });
}

export function codesLeftText(codesLeft: number): string {
  if (codesLeft === 0) return "You have no recovery codes left.";
  return `You have ${codesLeft} recovery code${codesLeft === 1 ? "" : "s"} left.`;
}

/** The page a recovery-code sign-in lands on, carrying where the sign-in was headed. */
export function recoveryCodeUsedPath(next: string): string {
  return next === "/" ? "/recovery-code-used" : `/recovery-code-used?next=${encodeURIComponent(next)}`;
}
