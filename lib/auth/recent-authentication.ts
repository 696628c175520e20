/**
 * "Sudo mode": sensitive changes (factors, the mobile number, the password,
 * API tokens, every admin change to policy, roles, groups and other people's
 * access) need the user to have proved who they are within the last few
 * minutes, at sign-in or at /confirm-access. A stolen session cookie alone,
 * or one left open on a shared computer, then cannot bind the attacker's own
 * factor or take over an organisation. NIST SP 800-63B-4 §2.2.3 and §4.1.2
 * (re-authentication before binding an authenticator); ASVS 5.0 V7.5.1,
 * V7.5.3 (re-authentication before sensitive changes).
 */
export const REAUTHENTICATION_WINDOW_MS = 15 * 60 * 1000;

/** For sessions opened without a full authentication (a remembered browser's password-only sign-in). */
export const NEVER_REAUTHENTICATED = new Date(0);

export type AuthenticatedSession = { session: { authenticatedAt: Date | null; createdAt: Date } };

/** A session from before authenticatedAt existed counts from its creation, which was its sign-in. */
export function lastAuthenticatedAt({ session }: AuthenticatedSession): Date {
  return session.authenticatedAt ?? session.createdAt;
}

export function isRecentlyAuthenticated(current: AuthenticatedSession, now = new Date()): boolean {
  const elapsed = now.getTime() - lastAuthenticatedAt(current).getTime();
  return elapsed >= 0 && elapsed < REAUTHENTICATION_WINDOW_MS;
}

/** Where to confirm access, returning to `path` afterwards. */
export function confirmAccessPath(path: string | null): string {
  return path ? `/confirm-access?next=${encodeURIComponent(path)}` : "/confirm-access";
}

/**
 * The fragment /confirm-access adds to the page it returns to: only then does
 * that page's form resubmit what it kept. Leaving /confirm-access any other
 * way (Cancel, Back) restores what was typed but submits nothing.
 */
export const ACCESS_CONFIRMED_FRAGMENT = "access-confirmed";

export function returnAfterConfirmedAccess(path: string): string {
  return `${path.split("#")[0]}#${ACCESS_CONFIRMED_FRAGMENT}`;
}
