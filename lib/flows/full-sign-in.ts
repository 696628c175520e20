import "server-only";
import { cookies } from "next/headers";
import { after } from "next/server";
import type { Db } from "@/db";
import { knownBrowserCookie } from "@/lib/auth/cookie-definitions";
import { KNOWN_BROWSER_LIFETIME_MS, recordKnownBrowser } from "@/lib/auth/known-browsers";
import { sendNewSignInAlert } from "@/lib/auth/new-sign-in-alert";
import { recordSignInCompleted, type SignInCompletion } from "@/lib/auth/sign-in-completed";
import { toldTimeZone } from "@/lib/flows/viewer-time-zone";
import type { RequestContext } from "@/lib/request-context";
import { secureCookies } from "@/lib/auth/secure-cookies";

/**
 * Every full sign-in ends here (password only, after the second factor or
 * setup, a remembered browser, SSO, an accepted invitation): the sign-in is
 * recorded as completed ("last sign-in", the browser's time zone), and the
 * browser gets its device cookie and becomes known to the account. A browser new to an account that has signed
 * in elsewhere before sets off "New sign-in to Twofold". The very first
 * browser of an account does not: at that point there is nothing to compare
 * with, and after an upgrade every existing account would otherwise alert
 * from its usual browser, teaching people to ignore the alert.
 */
export async function noteFullSignIn(
  db: Db,
  input: { userId: number; context: RequestContext; via: SignInCompletion; method?: string; now?: Date },
): Promise<void> {
  const now = input.now ?? new Date();
  // Only a zone the browser told (the cookie, validated): without one, or with a malformed one, the stored zone stays.
  const timeZone = await toldTimeZone();
  const jar = await cookies();
  await recordSignInCompleted(db, {
    userId: input.userId,
    context: input.context,
    via: input.via,
    method: input.method,
    timeZone,
    now,
  });
  const { name, options } = knownBrowserCookie(secureCookies());
  const recorded = await recordKnownBrowser(db, {
    userId: input.userId,
    token: jar.get(name)?.value,
    context: input.context,
    now,
  });
  jar.set(name, recorded.token, { ...options, expires: new Date(now.getTime() + KNOWN_BROWSER_LIFETIME_MS) });
  if (!recorded.isNew || !recorded.accountHadOthers) return;
  // After the response: a slow or failing mail provider must not hold up or break the sign-in.
  after(async () => {
    try {
      await sendNewSignInAlert(db, { userId: input.userId, context: input.context, at: now });
    } catch (error) {
      console.error("Twofold: could not send the new sign-in alert:", error instanceof Error ? error.message : error);
    }
  });
}
