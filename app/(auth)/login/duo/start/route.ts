import { redirect } from "next/navigation";
import { getDb } from "@/db";
import { recordActorEvent } from "@/lib/audit";
import { requireSession } from "@/lib/auth/guards";
import { beginDuoPrompt } from "@/lib/two-factor/duo/prompt";
import { twoFactorStateOfUser } from "@/lib/two-factor/policy/user-state";

/**
 * Right after the password, for a user whose sign-in starts with Duo: off to
 * the Duo prompt. ("Continue with Duo" on /login/two-factor does the same
 * through a server action, with the "Remember this browser" choice.)
 */
export async function GET() {
  const current = await requireSession("password");
  const db = getDb();
  if (!twoFactorStateOfUser(db, current.user.id).methods.includes("duo")) redirect("/login/two-factor");
  const started = await beginDuoPrompt(db, { user: current.user, sessionTokenHash: current.session.tokenHash, purpose: "sign_in", rememberBrowser: false });
  if (!started.ok) {
    recordActorEvent(db, current, "duo.unreachable", { targetUserId: current.user.id, details: { reason: started.reason } });
    redirect(`/login/two-factor?method=duo&duo=${started.reason}`);
  }
  redirect(started.url);
}
