import type { Profile } from "next-auth";
import type { OIDCConfig } from "next-auth/providers";
import type { Env } from "@/lib/env";
import type { SsoClaims, SsoRefusal } from "@/lib/auth/sso-identity";
import type { Requirement } from "@/lib/two-factor/policy/requirement";

/** Auth.js's id for the organisation's identity provider: its callback is /api/auth/callback/sso. */
export const SSO_PROVIDER_ID = "sso";

export function ssoConfigured(env: Env): boolean {
  return Boolean(env.OIDC_ISSUER && env.OIDC_CLIENT_ID && env.OIDC_CLIENT_SECRET);
}

/**
 * The identity provider, found through its discovery document. PKCE, state
 * and nonce bind the callback to the browser that started the sign-in.
 */
export function ssoProvider(env: Env): OIDCConfig<Profile> | null {
  if (!env.OIDC_ISSUER || !env.OIDC_CLIENT_ID || !env.OIDC_CLIENT_SECRET) return null;
  return {
    id: SSO_PROVIDER_ID,
    name: "SSO",
    type: "oidc",
    issuer: env.OIDC_ISSUER,
    clientId: env.OIDC_CLIENT_ID,
    clientSecret: env.OIDC_CLIENT_SECRET,
    checks: ["pkce", "state", "nonce"],
  };
}

/** The claims of the validated ID token that identify and describe the user. */
export function ssoClaimsOf(profile: Profile): SsoClaims | null {
  const { iss, sub } = profile;
  if (typeof iss !== "string" || typeof sub !== "string" || !iss || !sub) return null;
  return {
    issuer: iss,
    subject: sub,
    email: profile.email,
    emailVerified: profile.email_verified,
    name: profile.name,
    amr: profile.amr,
  };
}

/** `/login?reason=…` keys for refused SSO sign-ins; the page maps them to fixed messages. */
export function ssoRefusalReason(reason: SsoRefusal | "no_claims"): string {
  return `sso-${reason.replaceAll("_", "-")}`;
}

/** Whether the requirement rule exempted a user because their identity provider owns their second factor. */
export function handledByIdentityProvider(requirement: Requirement): boolean {
  return requirement.level === "exempt" && requirement.reason === "sso";
}

/** What the dashboard and profile tell SSO users about their password and second factor. */
export const SSO_SECOND_FACTOR_NOTE =
  "You sign in with SSO: your password and your second factor are handled by your organisation’s identity provider, not by Twofold.";
