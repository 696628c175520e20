import { redirect } from "next/navigation";
import type { NextRequest } from "next/server";
import { homeOf, requireAnySession } from "@/lib/auth/guards";
import { finishDuoEnrolment } from "@/lib/two-factor/duo/enrolment";
import { finishDuoSignIn } from "@/lib/two-factor/duo/finish-sign-in";

/**
 * Where Duo sends the browser back with `state` and `duo_code`. The state
 * must be one this very session stored (see claimDuoState); what it was for
 * decides what a success does: finish a sign-in, or turn Duo on or off.
 */
export async function GET(request: NextRequest) {
  const current = await requireAnySession();
  const params = request.nextUrl.searchParams;
  const answer = { state: params.get("state"), code: params.get("duo_code") };
  // Nothing from Duo at all (a bookmark, a stray visit): nothing was attempted, so nothing is counted.
  if (!answer.state && !answer.code) redirect(homeOf(current.session.stage));
  switch (current.session.stage) {
    case "password":
      redirect(await finishDuoSignIn(current, answer));
    case "setup":
    case "active":
      redirect(await finishDuoEnrolment(current, answer));
    default:
      // Setting up through an emailed link: Duo plays no part there.
      redirect("/login/setup/email");
  }
}
