import type { Profile } from "next-auth";
import type { OIDCConfig } from "next-auth/providers";
import type { Env } from "@/lib/env";
import type { SsoClaims, SsoRefusal } from "@/lib/auth/sso-identity";

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
  return { issuer: iss, subject: sub, email: profile.email, emailVerified: profile.email_verified, name: profile.name };
}

/** `/login?reason=…` keys for refused SSO sign-ins; the page maps them to fixed messages. */
export function ssoRefusalReason(reason: SsoRefusal | "no_claims"): string {
  return `sso-${reason.replaceAll("_", "-")}`;
}
