import http from "node:http";
import { Provider, type Configuration } from "oidc-provider";
import { OIDC_STAND_IN_CLIENT_ID, OIDC_STAND_IN_CLIENT_SECRET } from "@/test/stand-ins/oidc-client";

/*
 * A real OpenID Connect provider (panva's oidc-provider, the certified
 * implementation) on 127.0.0.1, standing in for an organisation's identity
 * provider in e2e tests. Its development login page signs in whoever types a
 * login (any password): the login is the subject. Tests choose what the ID
 * token says about a subject (email, name, amr) through a small control API,
 * to play a user whose email changes, an attacker's account carrying someone
 * else's address, or a sign-in with or without a second factor.
 */

/** `amr`: how the provider says it signed this login in (RFC 8176), put in the ID token; absent unless set. */
export type StandInAccount = { email?: string | null; email_verified?: boolean; name?: string | null; amr?: string[] };

export type OidcStandIn = { issuer: string; close(): Promise<void> };

/** The claims of a login nobody configured: a plausible verified user named after it. */
function defaultAccount(login: string): StandInAccount {
  return { email: `${login}@idp.example.com`, email_verified: true, name: `IdP ${login}` };
}

function readJson(request: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}"));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}

/** Starts the provider on `port` (fixed: the issuer URL contains it) for the app at `appUrl`. */
export function startOidcStandIn(port: number, appUrl: string): Promise<OidcStandIn> {
  const issuer = `http://127.0.0.1:${port}`;
  const accounts = new Map<string, StandInAccount>();

  const configuration: Configuration = {
    clients: [
      {
        client_id: OIDC_STAND_IN_CLIENT_ID,
        client_secret: OIDC_STAND_IN_CLIENT_SECRET,
        redirect_uris: [`${appUrl}/api/auth/callback/sso`],
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
    ],
    // amr with openid: the provider masks ID token claims by scope, and identity providers that assert amr put it in every ID token.
    claims: { openid: ["sub", "amr"], email: ["email", "email_verified"], profile: ["name"] },
    // Put the scopes' claims in the ID token, as most identity providers do for the code flow.
    conformIdTokenClaims: false,
    async findAccount(_ctx, sub) {
      const account = accounts.get(sub) ?? defaultAccount(sub);
      return {
        accountId: sub,
        async claims() {
          const claims: Record<string, unknown> = { sub };
          if (account.email) claims.email = account.email;
          if (account.email_verified !== undefined) claims.email_verified = account.email_verified;
          if (account.name) claims.name = account.name;
          return claims as { sub: string };
        },
      };
    },
    // Twofold is a first-party client: consent is implied, so the only page is the login.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client!.clientId,
        accountId: ctx.oidc.session!.accountId!,
      });
      grant.addOIDCScope("openid email profile");
      await grant.save();
      return grant;
    },
    cookies: { keys: ["oidc-stand-in-cookie-key"] },
    features: { devInteractions: { enabled: true } },
  };
  const provider = new Provider(issuer, configuration);
  // A refused exchange says only "invalid_grant" to the client: the reason goes to the test's log.
  const logError = (event: string) => (_ctx: unknown, error: Error & { error_detail?: string }) =>
    console.error(`oidc stand-in ${event}: ${error.message} ${error.error_detail ?? ""}`);
  provider.on("grant.error", logError("grant.error"));
  provider.on("authorization.error", logError("authorization.error"));
  provider.on("server_error", logError("server_error"));
  // The development login page finishes with only the account id; the
  // provider puts the login's amr in the ID token when the result carries it.
  const finishInteraction = provider.interactionFinished.bind(provider);
  provider.interactionFinished = (req, res, result, options) => {
    const login = result.login as { accountId?: string; amr?: string[] } | undefined;
    const amr = login?.accountId ? accounts.get(login.accountId)?.amr : undefined;
    if (login && amr) login.amr = amr;
    return finishInteraction(req, res, result, options);
  };
  const handleOidc = provider.callback();

  const server = http.createServer((request, response) => {
    const path = new URL(request.url ?? "/", issuer).pathname;
    // The control API: POST /_stand-in/accounts/{login} with the claims that subject's ID token carries.
    const match = /^\/_stand-in\/accounts\/([^/]+)$/.exec(path);
    if (match && request.method === "POST") {
      readJson(request).then(
        (body) => {
          accounts.set(decodeURIComponent(match[1]!), body as StandInAccount);
          response.writeHead(204).end();
        },
        () => response.writeHead(400).end(),
      );
      return;
    }
    if (path === "/_stand-in/health") {
      response.writeHead(200, { "content-type": "text/plain" }).end("ok");
      return;
    }
    void handleOidc(request, response);
  });

  return new Promise((resolve) => {
    server.listen(port, "127.0.0.1", () => {
      resolve({ issuer, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}
