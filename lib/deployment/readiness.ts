import "server-only";
import { getDb } from "@/db";
import { schemaStatus } from "@/db/schema-status";
import { isDraining } from "@/lib/deployment/draining";
import { describeErrorForLog } from "@/lib/messaging/redact";

export type Readiness =
  { ready: true } | { ready: false; reason: "shutting down" | "database unavailable" | "schema behind" };

/** Whether a load balancer should send this process requests: not stopping, the database answering, its schema current. */
export async function readiness(): Promise<Readiness> {
  if (isDraining()) return { ready: false, reason: "shutting down" };
  try {
    const { current } = await schemaStatus(getDb());
    return current ? { ready: true } : { ready: false, reason: "schema behind" };
  } catch (error) {
    // The details (a path, a host) are for the operator's log, not for whoever asks.
    console.error("Twofold: /readyz: the database did not answer:", describeErrorForLog(error));
    return { ready: false, reason: "database unavailable" };
  }
}
