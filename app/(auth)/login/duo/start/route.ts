import { redirect } from "next/navigation";
import { requireSession } from "@/lib/auth/guards";
import { duoSignInStartPath } from "@/lib/data/sign-in";

/**
 * Right after the password, for a user whose sign-in starts with Duo: off to
 * the Duo prompt. ("Continue with Duo" on /login/two-factor does the same
 * through a server action, with the "Remember this browser" choice.)
 */
export async function GET() {
  const current = await requireSession("password");
  redirect(await duoSignInStartPath(current));
}
