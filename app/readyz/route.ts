import { allowAnyone } from "@/lib/auth/guards";
import { readiness } from "@/lib/deployment/readiness";

/**
 * Readiness for load balancers: 200 when this instance can serve (the
 * database answers and its schema is current), else 503 with a short reason,
 * including while the process finishes its requests before stopping. The
 * reason names no host, path or error: anyone may ask.
 */
export async function GET(): Promise<Response> {
  await allowAnyone();
  const state = await readiness();
  const headers = { "Cache-Control": "no-store" };
  if (state.ready) return Response.json({ status: "ready" }, { headers });
  return Response.json({ status: "unavailable", reason: state.reason }, { status: 503, headers });
}
