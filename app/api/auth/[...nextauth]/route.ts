import type { NextRequest } from "next/server";
import { handleSsoCallback } from "@/lib/auth/auth";
import { withBoundedBody } from "@/lib/body-limit";
import { allowAnyone } from "@/lib/auth/guards";
import { SSO_PROVIDER_ID, ssoConfigured } from "@/lib/auth/sso";
import { getEnv } from "@/lib/env";

/*
 * Auth.js's HTTP endpoints, limited to the one the SSO round trip needs: the
 * identity provider sends the browser back to the callback (by GET, or by
 * POST for form_post). Starting a sign-in, password sign-in and sign-out all
 * go through our server actions, so every other Auth.js endpoint (signin,
 * the credentials callback, csrf, session, providers, signout) answers 404.
 */
const SSO_CALLBACK_PATH = `/api/auth/callback/${SSO_PROVIDER_ID}`;

async function handle(request: NextRequest): Promise<Response> {
  await allowAnyone();
  if (request.nextUrl.pathname !== SSO_CALLBACK_PATH || !ssoConfigured(getEnv())) {
    return Response.json({ error: "Not found" }, { status: 404 });
  }
  // proxy.ts refused an oversized Content-Length; a chunked body is read here within the same limit.
  const bounded = await withBoundedBody(request);
  if (bounded instanceof Response) return bounded;
  return handleSsoCallback(bounded);
}

export const GET = handle;
export const POST = handle;
