/*
 * What Twofold under test and the OIDC stand-in agree on, kept apart from the
 * provider itself so the Playwright config can import it cheaply.
 */
export const OIDC_STAND_IN_CLIENT_ID = "twofold-e2e";
export const OIDC_STAND_IN_CLIENT_SECRET = "stand-in-client-secret-not-for-production";
/** The organisation SSO users join in e2e (OIDC_ORGANISATION_ID): sso.spec.ts creates it and owns its policy. */
export const OIDC_E2E_ORGANISATION_ID = 4242;
/** OIDC_ALLOWED_DOMAINS in e2e: SSO may create accounts for these only (sso.spec.ts tries one outside). */
export const E2E_SSO_ALLOWED_DOMAINS = [
  "example.com",
  "corp.example.com",
  "idp.example.com",
  "old.example.com",
  "new.example.com",
];
