import "server-only";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { eq } from "drizzle-orm";
import { getDb } from "@/db";
import { users } from "@/db/schema";
import type { FormState } from "@/lib/action";
import { passwordlessCookie } from "@/lib/auth/cookie-definitions";
import { signInWithPasskey, passwordlessOptions } from "@/lib/auth/passkey-sign-in";
import { secureCookies } from "@/lib/auth/secure-cookies";
import { createSession } from "@/lib/auth/sessions";
import { hashToken, randomToken } from "@/lib/crypto";
import { noteFullSignIn } from "@/lib/flows/full-sign-in";
import { takeNextPath } from "@/lib/flows/return-path-cookie";
import { setSessionCookie } from "@/lib/flows/session-cookies";
import { passkeyMessages } from "@/lib/messages";
import { requestContext } from "@/lib/request-context";
import { recordRequiredSince, twoFactorStateOfUser } from "@/lib/two-factor/policy/user-state";
import { appRelyingParty } from "@/lib/webauthn/app-relying-party";
import type { PasskeyOptions } from "@/lib/flows/passkey-second-factor";
import type { AuthenticationResponse } from "@/lib/webauthn/response-schema";
import { CHALLENGE_LIFETIME_MS } from "@/lib/webauthn/challenges";

/* "Sign in with a passkey" on /login: the options, then the answer. */

/** Options for a discoverable credential; the browser gets a fresh cookie the challenge is bound to. */
export async function startPasswordlessSignIn(): Promise<FormState<PasskeyOptions>> {
  const token = randomToken(32);
  const result = await passwordlessOptions(getDb(), {
    bindingHash: hashToken(token),
    context: requestContext(await headers()),
    rp: appRelyingParty(),
  });
  if (!result.ok) return { status: "error", message: passkeyMessages.tooManyRequests };
  const { name, options } = passwordlessCookie(secureCookies());
  (await cookies()).set(name, token, { ...options, maxAge: CHALLENGE_LIFETIME_MS / 1000 });
  return { status: "success", data: { options: result.options } };
}

const REFUSALS = {
  no_user_verification: passkeyMessages.needsUserVerification,
  challenge: passkeyMessages.expired,
  disabled: passkeyMessages.disabled,
  api_account: passkeyMessages.apiAccount,
  sso_account: passkeyMessages.ssoAccount,
} as const;

/**
 * The answer: on success a full session, created exactly as a completed
 * password and second-factor sign-in ends (new session, "last sign-in", known
 * browser, sign-in alert), then where the sign-in was headed.
 */
export async function finishPasswordlessSignIn(input: {
  response: AuthenticationResponse;
  next: string | null;
}): Promise<FormState> {
  const jar = await cookies();
  const cookie = passwordlessCookie(secureCookies());
  const token = jar.get(cookie.name)?.value;
  // Used once whatever happens: a second try asks for new options.
  jar.set(cookie.name, "", { ...cookie.options, maxAge: 0 });
  if (!token) return { status: "error", message: passkeyMessages.expired };
  const db = getDb();
  const context = requestContext(await headers());
  const result = await signInWithPasskey(db, {
    response: input.response,
    bindingHash: hashToken(token),
    context,
    rp: appRelyingParty(),
  });
  if (!result.ok) {
    if (result.reason === "throttled")
      return { status: "error", message: passkeyMessages.tooManyAttempts(result.retryAt) };
    const message = (REFUSALS as Record<string, string>)[result.reason] ?? passkeyMessages.signInRefused;
    return { status: "error", message };
  }
  const { requirement } = await twoFactorStateOfUser(db, result.userId);
  await recordRequiredSince(db, result.userId, requirement);
  const session = await createSession(db, { userId: result.userId, stage: "active", context });
  await setSessionCookie(session.token, session.expiresAt);
  // A sign-in completed: emailed codes are a second factor again (see signInCodePlan).
  await db.update(users).set({ passwordResetByEmailAt: null }).where(eq(users.id, result.userId));
  await noteFullSignIn(db, { userId: result.userId, context, via: "passkey", method: "passkey" });
  // Where this sign-in began (/login?next=…), else where an earlier password step was headed.
  const remembered = await takeNextPath();
  redirect(input.next ?? remembered);
}
