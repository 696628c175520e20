import "server-only";
import { getDb } from "@/db";
import { schemaStatus } from "@/db/schema-status";
import { isDraining } from "@/lib/deployment/draining";
import { describeErrorForLog } from "@/lib/messaging/redact";

export type Readiness =
  { ready: true } | { ready: false; reason: "shutting down" | "database unavailable" | "schema behind" };

const READINESS_TIMEOUT_MS = 2_000;

/** Whether a load balancer should send this process requests: not stopping, the database answering, its schema current. */
export async function readiness(): Promise<Readiness> {
  if (isDraining()) return { ready: false, reason: "shutting down" };
  try {
    // A database that does not answer within READINESS_TIMEOUT_MS is as good as down for a load balancer.
    const { current } = await Promise.race([
      schemaStatus(getDb()),
      new Promise<never>((_, reject) => {
        setTimeout(() => reject(new Error("no answer in time")), READINESS_TIMEOUT_MS).unref();
      }),
    ]);
    return current ? { ready: true } : { ready: false, reason: "schema behind" };
  } catch (error) {
    // The details (a path, a host) are for the operator's log, not for whoever asks.
    console.error("Twofold: /readyz: the database did not answer:", describeErrorForLog(error));
    return { ready: false, reason: "database unavailable" };
  }
}
