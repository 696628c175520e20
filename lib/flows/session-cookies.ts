import "server-only";
import { cookies } from "next/headers";
import { sessionCookie, trustedBrowserCookie } from "@/lib/auth/cookie-definitions";
import { secureCookies } from "@/lib/auth/secure-cookies";

async function secure(): Promise<boolean> {
  return secureCookies();
}

/** Points the browser at a (new) session; for rotation after the second factor. */
export async function setSessionCookie(token: string, expiresAt: Date): Promise<void> {
  const { name, options } = sessionCookie(await secure());
  (await cookies()).set(name, token, { ...options, expires: expiresAt });
}

export async function clearSessionCookie(): Promise<void> {
  const { name, options } = sessionCookie(await secure());
  (await cookies()).set(name, "", { ...options, maxAge: 0 });
}

export async function setTrustedBrowserCookie(token: string, expiresAt: Date): Promise<void> {
  const { name, options } = trustedBrowserCookie(await secure());
  (await cookies()).set(name, token, { ...options, expires: expiresAt });
}
