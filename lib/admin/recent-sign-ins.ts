import { and, desc, eq, inArray } from "drizzle-orm";
import type { Db } from "@/db";
import { auditEvents } from "@/db/schema";
import { describeUserAgent } from "@/lib/user-agent";

/** Audit events that are a step of signing in, and how an administrator reads each. */
const SIGN_IN_RESULTS: Record<string, string> = {
  "sign_in.password_verified": "Password accepted",
  "sign_in.completed": "Signed in",
  "sso_sign_in.succeeded": "Signed in with SSO",
  "sign_in.failed": "Wrong password",
  "sign_in.throttled": "Too many attempts: refused",
  "sign_in.refused": "Refused",
  "two_factor.succeeded": "Second step passed",
  "two_factor.skipped": "Second step skipped: remembered browser",
  "two_factor.failed": "Second step failed",
  "two_factor.locked": "Second step locked",
  "duo.refused": "Duo refused",
};

export type RecentSignIn = { id: number; at: Date; result: string; failed: boolean; address: string; browser: string };

/**
 * A user's last sign-in events, newest first: successes, failures,
 * throttling and refusals, second steps. Only the viewer's organisation's
 * events are read, so an id from elsewhere shows nothing.
 */
export async function recentSignInsOfUser(
  db: Db,
  organisationId: number,
  userId: number,
  limit = 10,
): Promise<RecentSignIn[]> {
  return (
    await db
      .select({
        id: auditEvents.id,
        type: auditEvents.type,
        createdAt: auditEvents.createdAt,
        ip: auditEvents.ip,
        userAgent: auditEvents.userAgent,
        details: auditEvents.details,
      })
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.organisationId, organisationId),
          eq(auditEvents.targetUserId, userId),
          inArray(auditEvents.type, Object.keys(SIGN_IN_RESULTS)),
        ),
      )
      .orderBy(desc(auditEvents.id))
      .limit(limit)
  ).map((event) => {
    const reason = typeof event.details?.reason === "string" ? event.details.reason.replaceAll("_", " ") : null;
    return {
      id: event.id,
      at: event.createdAt,
      result: event.type === "sign_in.refused" && reason ? `Refused: ${reason}` : SIGN_IN_RESULTS[event.type]!,
      failed: ![
        "sign_in.password_verified",
        "sign_in.completed",
        "sso_sign_in.succeeded",
        "two_factor.succeeded",
        "two_factor.skipped",
      ].includes(event.type),
      address: event.ip ?? "Unknown",
      browser: describeUserAgent(event.userAgent),
    };
  });
}
