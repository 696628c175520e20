import "server-only";
import { Auth } from "@auth/core";
import NextAuth, { CredentialsSignin, type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { headers } from "next/headers";
import { getDb } from "@/db";
import { getEnv } from "@/lib/env";
import { signInWithPassword, type PasswordSignInResult } from "@/lib/auth/password-sign-in";
import {
  knownBrowserCookie,
  MAX_SESSION_DURATION_DAYS,
  sessionCookie,
  trustedBrowserCookie,
} from "@/lib/auth/cookie-definitions";
import { noteFullSignIn } from "@/lib/flows/full-sign-in";
import { createSession, deleteSession, loadSession } from "@/lib/auth/sessions";
import { signInSchema } from "@/lib/auth/sign-in-schema";
import { readCookie, requestContext } from "@/lib/request-context";
import { secureCookies } from "@/lib/auth/secure-cookies";
import { recordAuditEvent } from "@/lib/audit";
import { stageAfterPassword } from "@/lib/two-factor/sign-in/stage-after-password";
import { sendCodeIfChallengeStartsWithIt } from "@/lib/two-factor/sent-codes/sign-in-recipient";
import { sendSignInSetupLinkQuietly } from "@/lib/two-factor/required-setup/email-setup-link";
import { hashToken } from "@/lib/crypto";
import { appUrl } from "@/lib/app-url";
import { SSO_PROVIDER_ID, ssoClaimsOf, ssoProvider, ssoRefusalReason } from "@/lib/auth/sso";
import { signInWithSso } from "@/lib/auth/sso-identity";
import { NEVER_REAUTHENTICATED } from "@/lib/auth/recent-authentication";

type Refusal = Exclude<PasswordSignInResult, { ok: true }>;

/** Carries why a password sign-in was refused to the login action, as Auth.js's error `code`. */
export class SignInRefused extends CredentialsSignin {
  constructor(refusal: Refusal | { ok: false; reason: "invalid_input" }) {
    super();
    this.code =
      refusal.reason === "throttled"
        ? `throttled:${refusal.retryAt.getTime()}`
        : refusal.reason === "busy"
          ? `busy:${refusal.retryAfterSeconds}`
          : refusal.reason;
  }
}

/*
 * Auth.js runs the Credentials sign-in; the session itself is ours. Its "JWT"
 * is replaced by an opaque random token naming a row in `sessions`, so every
 * request is checked against the database and deleting rows signs people out.
 */
async function buildConfig(request: Request | undefined): Promise<NextAuthConfig> {
  const requestHeaders = request?.headers ?? (await headers());
  const secure = secureCookies();
  const sso = ssoProvider(getEnv());
  // Auth.js builds the callback URL, the redirect_uri the identity provider
  // checks, from AUTH_URL, else from the request's Host header. Ours is APP_URL.
  if (sso) process.env.AUTH_URL ??= appUrl("/");
  return {
    secret: getEnv().AUTH_SECRET,
    trustHost: true,
    // Auth.js's own cookies (state, PKCE, nonce of the SSO round trip) follow APP_URL too, not the request's scheme.
    useSecureCookies: secure,
    pages: { signIn: "/login", error: "/login" },
    session: { strategy: "jwt", maxAge: MAX_SESSION_DURATION_DAYS * 24 * 60 * 60 },
    cookies: { sessionToken: sessionCookie(secure) },
    providers: [
      Credentials({
        credentials: { email: {}, password: {} },
        async authorize(credentials, authorizeRequest) {
          const parsed = signInSchema.safeParse(credentials);
          if (!parsed.success) throw new SignInRefused({ ok: false, reason: "invalid_input" });
          const db = getDb();
          const context = requestContext(authorizeRequest.headers);
          // Auth.js hands authorize() the action's request, cookies included: a known browser skips the account-wide slow-down.
          const trustedToken = readCookie(authorizeRequest.headers, trustedBrowserCookie(secure).name);
          const deviceToken = readCookie(authorizeRequest.headers, knownBrowserCookie(secure).name);
          const result = await signInWithPassword(db, { ...parsed.data, context, deviceToken, trustedToken });
          if (!result.ok) throw new SignInRefused(result);
          const { stage, rememberedBrowser } = await stageAfterPassword(db, result.user.id, trustedToken);
          if (rememberedBrowser) {
            await recordAuditEvent(db, {
              type: "two_factor.skipped",
              organisationId: result.user.organisationId,
              actorUserId: result.user.id,
              targetUserId: result.user.id,
              context,
            });
          }
          return {
            id: String(result.user.id),
            email: result.user.email,
            name: result.user.name,
            context,
            stage,
            completion: rememberedBrowser ? "remembered_browser" : "password",
            // The password alone opened this session: it never counts as a recent
            // re-authentication, so "Confirm access" still asks for a factor
            // (a stolen remembered-browser cookie plus a phished password must
            // not bind the thief's factor).
            ...(rememberedBrowser ? { authenticatedAt: NEVER_REAUTHENTICATED } : {}),
          };
        },
      }),
      ...(sso ? [sso] : []),
    ],
    callbacks: {
      /*
       * The identity provider's user, known by the validated ID token, becomes
       * a Twofold account here (by issuer and subject, never by email). A
       * refusal goes back to /login with its reason. The provider owns the
       * second factor, so the session starts fully signed in.
       */
      async signIn({ user, account, profile }) {
        if (account?.provider !== SSO_PROVIDER_ID) return true;
        const claims = profile ? ssoClaimsOf(profile) : null;
        if (!claims) return `/login?reason=${ssoRefusalReason("no_claims")}`;
        const context = requestContext(requestHeaders);
        const env = getEnv();
        const result = await signInWithSso(getDb(), claims, {
          organisationId: env.OIDC_ORGANISATION_ID,
          allowedDomains: env.OIDC_ALLOWED_DOMAINS,
          requireMfaForAdmins: env.OIDC_REQUIRE_MFA_FOR_ADMINS,
          context,
        });
        if (!result.ok) return `/login?reason=${ssoRefusalReason(result.reason)}`;
        // The jwt callback below receives this same object: from here on it names our account, not the provider's subject.
        user.id = String(result.user.id);
        user.stage = "active";
        user.completion = "sso";
        user.context = context;
        // prompt=login and max_age=0 are requests an identity provider may ignore: what counts is when it says it authenticated the user.
        const authTime = typeof profile?.auth_time === "number" ? new Date(profile.auth_time * 1000) : null;
        if (authTime && authTime.getTime() <= Date.now()) user.authenticatedAt = authTime;
        return true;
      },
      async jwt({ token, user, trigger }) {
        if (trigger !== "signIn") return token;
        // A user who owes a second factor gets a half-signed-in session that
        // reaches nothing but /login/two-factor.
        const db = getDb();
        const stage = user.stage ?? "password";
        const context = user.context ?? { ip: null, userAgent: null };
        const { token: sessionToken } = await createSession(db, {
          userId: Number(user.id),
          stage,
          context,
          authenticatedAt: user.authenticatedAt,
        });
        // Signed in fully at once (no second factor owed, a remembered browser, SSO).
        if (stage === "active") {
          const via = user.completion ?? "password";
          await noteFullSignIn(db, { userId: Number(user.id), context, via });
        }
        if (stage === "password") {
          await sendCodeIfChallengeStartsWithIt(db, {
            userId: Number(user.id),
            sessionTokenHash: hashToken(sessionToken),
            context,
          });
        }
        // The link for setting up through email goes at once too, bound to this new session.
        if (stage === "email_setup") {
          await sendSignInSetupLinkQuietly(db, {
            userId: Number(user.id),
            sessionTokenHash: hashToken(sessionToken),
            context,
          });
        }
        return { sessionToken };
      },
    },
    jwt: {
      async encode({ token }) {
        if (typeof token?.sessionToken !== "string") throw new Error("Session token missing");
        return token.sessionToken;
      },
      async decode({ token }) {
        if (!token) return null;
        const loaded = await loadSession(getDb(), token);
        return loaded ? { sessionToken: token, sub: String(loaded.user.id) } : null;
      },
    },
    events: {
      async signOut(message) {
        const sessionToken = "token" in message ? message.token?.sessionToken : undefined;
        if (typeof sessionToken === "string") await deleteSession(getDb(), sessionToken);
      },
    },
    logger: {
      // A refused sign-in is an expected outcome, already audited; not a server error.
      error(error) {
        if (error instanceof CredentialsSignin) return;
        console.error(error);
      },
    },
  };
}

export const { signIn, signOut } = NextAuth(buildConfig);

/**
 * Serves the identity provider's callback. Auth.js checks the code against
 * the redirect_uri it sent, built from APP_URL: the request is handed to it
 * at that address, because Next.js's own request object renames loopback
 * hosts (127.0.0.1 becomes localhost) and a Host header is the client's to choose.
 */
export async function handleSsoCallback(request: Request): Promise<Response> {
  const config = await buildConfig(request);
  const { pathname, search } = new URL(request.url);
  const canonical = new Request(new URL(`${pathname}${search}`, appUrl("/")), {
    method: request.method,
    headers: request.headers,
    body: request.method === "POST" ? await request.arrayBuffer() : undefined,
  });
  return Auth(canonical, { ...config, basePath: "/api/auth" });
}
