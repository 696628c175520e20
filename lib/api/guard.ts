import "server-only";
import type { NextRequest } from "next/server";
import { getDb } from "@/db";
import { hitApiRateLimit, type RateLimitDecision } from "@/lib/api/rate-limit";
import { apiError } from "@/lib/api/responses";
import { API_TOKEN_PREFIX, authenticateApiToken, type ApiCaller } from "@/lib/api/tokens";
import { getEnv } from "@/lib/env";

const USAGE = `Send an API token in the Authorization header: "Authorization: Bearer ${API_TOKEN_PREFIX}…".`;

/** RFC 6750: a 401 names the scheme; `error` only when a token was actually presented. */
function unauthenticated(message: string, presentedToken: boolean): Response {
  const challenge = presentedToken ? 'Bearer realm="twofold", error="invalid_token"' : 'Bearer realm="twofold"';
  return apiError(401, presentedToken ? "invalid_token" : "unauthenticated", message, {
    "WWW-Authenticate": challenge,
  });
}

type Credentials = { token: string } | { refusal: Response };

/**
 * Only `Authorization: Bearer <token>` is read. Passwords, in Basic auth, a
 * form or JSON body, or a session cookie, are never looked at: a person's
 * password must not open the API even when it is right.
 */
function credentialsOf(request: Request): Credentials {
  const header = request.headers.get("authorization")?.trim();
  if (!header) return { refusal: unauthenticated(`No API token was sent. ${USAGE}`, false) };
  const [scheme = "", token, ...rest] = header.split(/\s+/);
  if (scheme.toLowerCase() === "basic") {
    return {
      refusal: unauthenticated(`Basic authentication is not accepted: passwords never open the API. ${USAGE}`, false),
    };
  }
  if (scheme.toLowerCase() !== "bearer" || !token || rest.length > 0) {
    return { refusal: unauthenticated(`The Authorization header is malformed. ${USAGE}`, false) };
  }
  return { token };
}

/** The IETF draft's RateLimit-* headers and the widespread X-RateLimit-* ones, with the same values. */
function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  const values = { Limit: decision.limit, Remaining: decision.remaining, Reset: decision.resetSeconds };
  const headers: Record<string, string> = { "RateLimit-Policy": `${decision.limit};w=60` };
  for (const [name, value] of Object.entries(values)) {
    headers[`RateLimit-${name}`] = String(value);
    headers[`X-RateLimit-${name}`] = String(value);
  }
  return headers;
}

export type ApiHandler = (caller: ApiCaller, request: NextRequest) => Response | Promise<Response>;

/**
 * The guard of every /api/v1 route handler: a valid token of an enabled API
 * account, within its rate limit, or a JSON 401/429; then the handler, whose
 * answer gets the rate-limit headers. Nothing it throws reaches the client.
 */
export function apiRoute(handler: ApiHandler) {
  return async function route(request: NextRequest): Promise<Response> {
    try {
      const credentials = credentialsOf(request);
      if ("refusal" in credentials) return credentials.refusal;
      const caller = await authenticateApiToken(getDb(), credentials.token);
      if (!caller) {
        return unauthenticated(
          "This API token is not valid: it is unknown, revoked or expired, or its account is disabled or no longer an API account.",
          true,
        );
      }
      const decision = await hitApiRateLimit(getDb(), caller.tokenId, getEnv().API_RATE_LIMIT_PER_MINUTE);
      const headers = rateLimitHeaders(decision);
      if (!decision.allowed) {
        return apiError(
          429,
          "rate_limited",
          `Too many requests: this token may make ${decision.limit} a minute. Try again in ${decision.resetSeconds} seconds.`,
          {
            ...headers,
            "Retry-After": String(decision.resetSeconds),
          },
        );
      }
      const response = await handler(caller, request);
      for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
      return response;
    } catch (error) {
      console.error("API request failed", error);
      return apiError(500, "internal_error", "Something went wrong on the server. Try again later.");
    }
  };
}

/** For the methods a path does not support: authenticated like any request, then 405 with `Allow`. */
export function apiMethodNotAllowed(...allowed: string[]) {
  return apiRoute((_caller, request) =>
    apiError(405, "method_not_allowed", `${request.method} is not supported here; use ${allowed.join(" or ")}.`, {
      Allow: allowed.join(", "),
    }),
  );
}
