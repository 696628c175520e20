import "server-only";
import { cookies, headers } from "next/headers";
import { connection } from "next/server";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { getDb } from "@/db";
import type { Permission, SessionStage } from "@/db/schema";
import { permissionsOf, rolesOfUser } from "@/lib/auth/permissions";
import { sessionCookie } from "@/lib/auth/cookie-definitions";
import { loadSession, type LoadedSession } from "@/lib/auth/sessions";
import { mustSetUpNow, twoFactorStateOfUser } from "@/lib/two-factor/policy/user-state";
import { requestContext, type RequestContext } from "@/lib/request-context";
import { secureCookies } from "@/lib/auth/secure-cookies";

export type CurrentSession = LoadedSession & {
  /** The raw cookie token, needed to rotate or end this very session. */
  token: string;
  context: RequestContext;
};

/** Whether the browser sent a session cookie at all: one that finds no session means the session ended. */
const hasSessionCookie = cache(async (): Promise<boolean> => {
  return Boolean((await cookies()).get(sessionCookie(secureCookies()).name)?.value);
});

/** Where a request without a live session goes: with a word of why, when it had one that ended (idle, expired, revoked). */
async function signInAgain(): Promise<never> {
  redirect((await hasSessionCookie()) ? "/login?reason=session-ended" : "/login");
}

/** The request's session, looked up once per request. Never trust this without a guard below. */
export const getCurrentSession = cache(async (): Promise<CurrentSession | null> => {
  const requestHeaders = await headers();
  const token = (await cookies()).get(sessionCookie(secureCookies()).name)?.value;
  if (!token) return null;
  const loaded = await loadSession(getDb(), token);
  return loaded ? { ...loaded, token, context: requestContext(requestHeaders) } : null;
});

/** What the requirement rule says of a user now (asked once per request). */
const twoFactorStateNow = cache(async (userId: number) => twoFactorStateOfUser(getDb(), userId));

/** Where the guards send a fully signed-in session that must set up 2FA now. */
export const REQUIRED_SETUP_START_PATH = "/login/setup/start";

/** Where a session in the given stage belongs. */
export function homeOf(stage: SessionStage): string {
  if (stage === "password") return "/login/two-factor";
  if (stage === "setup") return "/login/setup";
  if (stage === "email_setup") return "/login/setup/email";
  return "/";
}

/**
 * Admits only a session in `stage`; anyone else is sent where they belong.
 * A half-signed-in session (stage "password") thus reaches nothing that asks
 * for "active", whatever proxy.ts did or did not do with the request.
 */
export async function requireSession(stage: SessionStage): Promise<CurrentSession> {
  const current = await getCurrentSession();
  if (!current) return signInAgain();
  const state =
    current.session.stage === "active" && stage === "active" ? await twoFactorStateNow(current.user.id) : null;
  // 2FA became required while this session was open. A guard only decides:
  // the route there demotes the session (or ends it) and sends any link,
  // never a page while it renders (app/(auth)/login/setup/start/route.ts).
  if (state && mustSetUpNow(state)) redirect(REQUIRED_SETUP_START_PATH);
  if (current.session.stage !== stage) redirect(homeOf(current.session.stage));
  return current;
}

/** A fully signed-in user: the guard of every ordinary page and action. */
export function requireUser(): Promise<CurrentSession> {
  return requireSession("active");
}

/**
 * A fully signed-in user with a Twofold password. SSO users get 403: their
 * password and second factor belong to their identity provider, so nothing
 * here may set a password or a factor for them, whatever a hand-made POST says.
 */
export async function requireLocalAccount(): Promise<CurrentSession> {
  const current = await requireUser();
  const { requirement } = await twoFactorStateNow(current.user.id);
  if (requirement.level === "exempt" && requirement.reason === "sso") forbidden();
  return current;
}

export const getCurrentPermissions = cache(async (userId: number): Promise<Set<Permission>> => {
  return permissionsOf(await rolesOfUser(getDb(), userId));
});

/** A fully signed-in user holding `permission` through a role; others get 403. */
export async function requirePermission(permission: Permission): Promise<CurrentSession> {
  const current = await requireUser();
  if (!(await getCurrentPermissions(current.user.id)).has(permission)) forbidden();
  return current;
}

/** Any session, whichever stage: for signing out, which must work half-way through a sign-in too. */
export async function requireAnySession(): Promise<CurrentSession> {
  const current = await getCurrentSession();
  if (!current) redirect("/login");
  return current;
}

/** States that an action is deliberately open to anyone, such as the password step of signing in. */
export async function allowAnyone(): Promise<void> {
  // Rendered per request, never prerendered at build time.
  await connection();
}

/** For /login: a signed-in visitor has nothing to do there. */
export async function redirectIfSignedIn(): Promise<void> {
  const current = await getCurrentSession();
  if (current) redirect(homeOf(current.session.stage));
}
