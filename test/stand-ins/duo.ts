import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import type http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";

/*
 * A local stand-in for Duo's Universal Prompt API (OIDC-like), over HTTPS, for
 * the real @duosecurity/duo_universal client. It speaks the three endpoints
 * the client uses (health check, authorize, token), checks what Duo checks
 * (the client assertion signed with the client secret, the code, the
 * redirect_uri) and signs its id_token the way Duo does (HS512 with the
 * client secret). Its JWTs are made with node:crypto, not the client's own
 * JWT library, so the two sides are written independently.
 *
 * Any integration key works: its secret key is derived from it (see
 * duoStandInSecret), so each test can have its own Duo "account" and switch
 * it "down" without touching another test's.
 */

export type DuoBehaviour = "up" | "down" | "hang";

/**
 * What Duo says it checked when the user presses "Approve": `auth_context`'s
 * reason and factor, set per integration by a test (POST /_stand-in/answer)
 * to play a bypassed, unenrolled or trusted-network user. Default: a push approved.
 */
export type DuoAllowContext = { reason: string; factor: string };
export const DUO_APPROVED_PUSH: DuoAllowContext = { reason: "user_approved", factor: "duo_push" };

/** The secret key the stand-in expects for an integration key. */
export function duoStandInSecret(clientId: string): string {
  return crypto.createHmac("sha256", "twofold duo stand-in").update(clientId).digest("hex").slice(0, 40);
}

/** A fresh integration key: 20 upper-case letters and digits, like Duo's. */
export function newDuoIntegrationKey(): string {
  return `DI${crypto.randomBytes(9).toString("hex").toUpperCase()}`;
}

/** Makes a self-signed certificate for 127.0.0.1 in a new temporary folder; returns the folder. */
export function makeSelfSignedCertificate(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "twofold-duo-cert-"));
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "2",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
    ].concat(["-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem")]),
    { stdio: "ignore" },
  );
  return dir;
}

const base64url = (input: Buffer | string) => Buffer.from(input).toString("base64url");

function signJwt(payload: Record<string, unknown>, secret: string): string {
  const unsigned = `${base64url(JSON.stringify({ alg: "HS512", typ: "JWT" }))}.${base64url(JSON.stringify(payload))}`;
  return `${unsigned}.${base64url(crypto.createHmac("sha512", secret).update(unsigned).digest())}`;
}

/** The payload when `token` is an HS512 JWT signed with `secret`, unexpired, for `audience`; else null. */
function verifyJwt(token: string, secret: string, audience: string): Record<string, unknown> | null {
  const [header, payload, signature] = token.split(".");
  if (!header || !payload || !signature) return null;
  const expected = crypto.createHmac("sha512", secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return null;
  try {
    if ((JSON.parse(Buffer.from(header, "base64url").toString()) as { alg?: string }).alg !== "HS512") return null;
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as Record<string, unknown>;
    if (typeof claims.exp !== "number" || claims.exp * 1000 < Date.now()) return null;
    return claims.aud === audience ? claims : null;
  } catch {
    return null;
  }
}

type Pending = { clientId: string; redirectUri: string; state: string; username: string };
type IssuedCode = {
  clientId: string;
  redirectUri: string;
  username: string;
  status: "allow" | "deny";
  context: DuoAllowContext;
  used: boolean;
};

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<style>body{font:16px system-ui,sans-serif;max-width:28rem;margin:4rem auto;color:#1e293b}button{font:inherit;padding:.5rem 1.25rem;margin-right:.5rem;border-radius:.5rem;border:1px solid #94a3b8;background:#fff;cursor:pointer}button.approve{background:#15803d;color:#fff;border-color:#15803d}</style>
</head><body><main>${body}</main></body></html>`;
}

export type DuoStandIn = { url: string; apiCalls(): number; close(): Promise<void> };

export function startDuoStandIn(options: { port?: number; cert: string; key: string }): Promise<DuoStandIn> {
  const behaviours = new Map<string, DuoBehaviour>();
  const allowContexts = new Map<string, DuoAllowContext>();
  const pending = new Map<string, Pending>();
  const codes = new Map<string, IssuedCode>();
  const hanging = new Set<http.ServerResponse>();
  /** Calls to Duo's API (not the control endpoints): tests check that a refused host is never called. */
  let apiCalls = 0;

  const server = https.createServer({ cert: options.cert, key: options.key }, (request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const url = new URL(request.url ?? "/", "https://stand-in");
      const base = `https://${request.headers.host}`;
      const form = Object.fromEntries(new URLSearchParams(body));
      const json = (status: number, payload: unknown) =>
        response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(payload));
      const html = (status: number, content: string) =>
        response.writeHead(status, { "content-type": "text/html; charset=utf-8" }).end(content);
      /** Duo's API being down or silent, for one integration; false when it answers. */
      const unavailable = (clientId: string | undefined) => {
        const behaviour = behaviours.get(clientId ?? "") ?? "up";
        if (behaviour === "down")
          json(503, {
            stat: "FAIL",
            code: 50301,
            message: "Service Unavailable",
            message_detail: "Down for the test.",
          });
        if (behaviour === "hang") {
          hanging.add(response);
          response.on("close", () => hanging.delete(response));
        }
        return behaviour !== "up";
      };
      const assertionValid = (endpoint: string) =>
        Boolean(
          form.client_id &&
          form.client_assertion &&
          verifyJwt(form.client_assertion, duoStandInSecret(form.client_id), `${base}${endpoint}`)?.iss ===
            form.client_id,
        );

      if (url.pathname.startsWith("/oauth/")) apiCalls += 1;
      if (url.pathname === "/_stand-in/health") return json(200, { ok: true });
      if (url.pathname === "/_stand-in/calls") return json(200, { apiCalls });
      if (url.pathname === "/_stand-in/behaviour" && request.method === "POST") {
        const { clientId, behaviour } = JSON.parse(body) as { clientId: string; behaviour: DuoBehaviour };
        behaviours.set(clientId, behaviour);
        return json(200, { clientId, behaviour });
      }
      if (url.pathname === "/_stand-in/answer" && request.method === "POST") {
        const { clientId, reason, factor } = JSON.parse(body) as { clientId: string } & DuoAllowContext;
        allowContexts.set(clientId, { reason, factor });
        return json(200, { clientId, reason, factor });
      }

      if (url.pathname === "/oauth/v1/health_check" && request.method === "POST") {
        if (unavailable(form.client_id)) return;
        if (!assertionValid("/oauth/v1/health_check")) {
          return json(400, {
            stat: "FAIL",
            code: 40002,
            message: "invalid_client",
            message_detail: "The client assertion is invalid.",
          });
        }
        return json(200, { stat: "OK", response: { timestamp: Math.floor(Date.now() / 1000) } });
      }

      if (url.pathname === "/oauth/v1/authorize" && request.method === "GET") {
        const clientId = url.searchParams.get("client_id") ?? "";
        const redirectUri = url.searchParams.get("redirect_uri") ?? "";
        const claims = verifyJwt(url.searchParams.get("request") ?? "", duoStandInSecret(clientId), base);
        if (
          !claims ||
          claims.client_id !== clientId ||
          claims.redirect_uri !== redirectUri ||
          typeof claims.state !== "string" ||
          typeof claims.duo_uname !== "string"
        ) {
          return html(
            400,
            page("Duo: bad request", "<h1>Bad request</h1><p>The authorization request did not verify.</p>"),
          );
        }
        const transaction = crypto.randomBytes(16).toString("hex");
        pending.set(transaction, { clientId, redirectUri, state: claims.state, username: claims.duo_uname });
        return html(
          200,
          page(
            "Duo stand-in",
            `<h1>Duo stand-in</h1><p>Approve the sign-in of <strong>${escapeHtml(claims.duo_uname)}</strong>?</p>
<form method="post" action="/_stand-in/decide"><input type="hidden" name="transaction" value="${transaction}">
<button class="approve" name="decision" value="allow">Approve</button><button name="decision" value="deny">Deny</button></form>`,
          ),
        );
      }

      if (url.pathname === "/_stand-in/decide" && request.method === "POST") {
        const decided = pending.get(form.transaction ?? "");
        if (!decided) return html(400, page("Duo: expired", "<h1>This request has expired</h1>"));
        pending.delete(form.transaction!);
        const code = crypto.randomBytes(24).toString("hex");
        const allowed = form.decision === "allow";
        // Duo's reasons for a denial from the authentication log; an approval carries what the test set.
        const context = allowed
          ? (allowContexts.get(decided.clientId) ?? DUO_APPROVED_PUSH)
          : { reason: "user_cancelled", factor: "duo_push" };
        codes.set(code, { ...decided, status: allowed ? "allow" : "deny", context, used: false });
        const back = new URL(decided.redirectUri);
        back.searchParams.set("state", decided.state);
        back.searchParams.set("duo_code", code);
        return response.writeHead(302, { location: back.toString() }).end();
      }

      if (url.pathname === "/oauth/v1/token" && request.method === "POST") {
        if (unavailable(form.client_id)) return;
        if (
          !assertionValid("/oauth/v1/token") ||
          form.client_assertion_type !== "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        ) {
          return json(400, { error: "invalid_client", error_description: "The client assertion is invalid." });
        }
        const issued = codes.get(form.code ?? "");
        if (
          form.grant_type !== "authorization_code" ||
          !issued ||
          issued.used ||
          issued.clientId !== form.client_id ||
          issued.redirectUri !== form.redirect_uri
        ) {
          return json(400, {
            error: "invalid_grant",
            error_description: "The code is invalid, used, or for another client.",
          });
        }
        issued.used = true;
        const now = Math.floor(Date.now() / 1000);
        const idToken = signJwt(
          {
            iss: `${base}/oauth/v1/token`,
            aud: issued.clientId,
            sub: issued.username,
            iat: now,
            exp: now + 300,
            auth_time: now,
            preferred_username: issued.username,
            auth_result: {
              result: issued.status,
              status: issued.status,
              status_msg: issued.status === "allow" ? "Login Successful" : "Login denied",
            },
            auth_context: {
              result: issued.status === "allow" ? "success" : "denied",
              reason: issued.context.reason,
              factor: issued.context.factor,
              event_type: "authentication",
              user: { name: issued.username, key: null, groups: [] },
            },
          },
          duoStandInSecret(issued.clientId),
        );
        return json(200, {
          id_token: idToken,
          access_token: crypto.randomBytes(16).toString("hex"),
          expires_in: 3600,
          token_type: "Bearer",
        });
      }
      json(404, { stat: "FAIL", message: "Not found" });
    });
  });

  return new Promise((resolve) => {
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `https://127.0.0.1:${port}`,
        apiCalls: () => apiCalls,
        close: () =>
          new Promise((done) => {
            for (const response of hanging) response.destroy();
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/** For serve.ts: the certificate comes from the folder playwright.config.ts made. */
export function startDuoStandInFromEnv(port: number): Promise<DuoStandIn> {
  const dir = process.env.E2E_DUO_CERT_DIR;
  if (!dir) throw new Error("E2E_DUO_CERT_DIR is not set");
  return startDuoStandIn({
    port,
    cert: fs.readFileSync(path.join(dir, "cert.pem"), "utf8"),
    key: fs.readFileSync(path.join(dir, "key.pem"), "utf8"),
  });
}
