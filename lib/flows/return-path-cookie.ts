import "server-only";
import { cookies } from "next/headers";
import { nextPathCookie } from "@/lib/auth/cookie-definitions";
import { safeNextPath } from "@/lib/auth/next-path";
import { secureCookies } from "@/lib/auth/secure-cookies";

/** Long enough for a second factor or an on-screen setup; a stale one is cleared by the next sign-in. */
const NEXT_PATH_COOKIE_MAX_AGE_S = 60 * 60;

async function cookieDefinition() {
  return nextPathCookie(secureCookies());
}

/**
 * At the password step: remembers where the sign-in should end (a safe
 * `next`), or forgets an earlier one, so a sign-in never inherits another's.
 */
export async function rememberNextPath(next: string | null): Promise<void> {
  const { name, options } = await cookieDefinition();
  const jar = await cookies();
  if (next) jar.set(name, next, { ...options, maxAge: NEXT_PATH_COOKIE_MAX_AGE_S });
  else jar.set(name, "", { ...options, maxAge: 0 });
}

/**
 * Where a sign-in that has just become complete (second factor verified,
 * setup finished or skipped) goes: the remembered `next`, once, else the
 * dashboard. Checked again here: a cookie is input like any other.
 */
export async function takeNextPath(): Promise<string> {
  const { name, options } = await cookieDefinition();
  const jar = await cookies();
  const next = safeNextPath(jar.get(name)?.value);
  if (jar.has(name)) jar.set(name, "", { ...options, maxAge: 0 });
  return next ?? "/";
}

/** The remembered `next`, left in place: for a step that may still be retried. */
export async function peekNextPath(): Promise<string | null> {
  const { name } = await cookieDefinition();
  return safeNextPath((await cookies()).get(name)?.value);
}
