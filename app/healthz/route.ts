import { allowAnyone } from "@/lib/auth/guards";

/**
 * Liveness for load balancers and orchestrators: the process answers. It
 * touches no database on purpose: a database outage must not get every
 * instance restarted (that is /readyz's question).
 */
export async function GET(): Promise<Response> {
  await allowAnyone();
  return Response.json({ status: "ok" }, { headers: { "Cache-Control": "no-store" } });
}
