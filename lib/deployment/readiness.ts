import "server-only";
import { getDb, type Db } from "@/db";
import { schemaStatus } from "@/db/schema-status";
import { isDraining } from "@/lib/deployment/draining";
import { describeErrorForLog } from "@/lib/messaging/redact";

export type Readiness =
  { ready: true } | { ready: false; reason: "shutting down" | "database unavailable" | "schema behind" };

const READINESS_TIMEOUT_MS = 2_000;
/**
 * /readyz is public, so a flood of it must not become a flood of queries: the
 * database's answer is shared by every probe within a second (load balancers
 * poll every few seconds, so none of them sees a stale answer).
 */
const DATABASE_ANSWER_TTL_MS = 1_000;

let lastCheck: { db: Db; at: number; answer: Promise<Readiness> } | undefined;

/** Whether a load balancer should send this process requests: not stopping, the database answering, its schema current. */
export async function readiness(now = Date.now()): Promise<Readiness> {
  if (isDraining()) return { ready: false, reason: "shutting down" };
  const db = getDb();
  if (!lastCheck || lastCheck.db !== db || now - lastCheck.at >= DATABASE_ANSWER_TTL_MS) {
    lastCheck = { db, at: now, answer: databaseReadiness(db) };
  }
  return lastCheck.answer;
}

async function databaseReadiness(db: Db): Promise<Readiness> {
  try {
    // A database that does not answer within READINESS_TIMEOUT_MS is as good as down for a load balancer.
    const { current } = await Promise.race([
      schemaStatus(db),
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
