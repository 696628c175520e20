import { redirect } from "next/navigation";
import type { NextRequest } from "next/server";
import { getCurrentSession } from "@/lib/auth/guards";
import { startRequiredSetup } from "@/lib/data/required-setup";

/**
 * Where the guards send a signed-in session once 2FA became required for its
 * user (REQUIRED_SETUP_START_PATH): the session is sent back to setup here,
 * not while a page renders. Everything is decided again from the session
 * itself, so opening this address changes nothing for a session that owes no
 * setup (it goes home) nor for a visitor without one (who goes to /login).
 */
export async function GET(request: NextRequest) {
  // The client router's fetches (a prefetch, a navigation, or the server's
  // own follow-up of an action's redirect) change nothing: answered without
  // Flight data, the browser loads this address as a page, which does.
  if (request.headers.get("rsc") === "1" || request.nextUrl.searchParams.has("_rsc")) {
    return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
  }
  const current = await getCurrentSession();
  if (!current) redirect("/login");
  redirect(await startRequiredSetup(current));
}
