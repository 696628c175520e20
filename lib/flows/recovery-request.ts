import "server-only";
import { getDb } from "@/db";
import type { FormState } from "@/lib/action";
import { administratorsWhoMayActOn } from "@/lib/admin/user-administrators";
import type { CurrentSession } from "@/lib/auth/guards";
import {
  RECOVERY_REQUEST_BUSY,
  recoveryRequestAlreadySent,
  recoveryRequestLimited,
  recoveryRequestSent,
} from "@/lib/recovery/messages";
import { tellAdministratorOfRecoveryRequest, tellUserOfRecoveryRequest } from "@/lib/recovery/request-notices";
import { openRecoveryRequest } from "@/lib/recovery/requests";
import { viewerTimeZone } from "@/lib/flows/viewer-time-zone";

/**
 * "I can't use any of my methods", for a half-signed-in session: opens the
 * request and, only when it is new, emails the administrators who may reset
 * this user and the user. Changes nothing about the account.
 */
export async function requestRecoveryFlow(current: CurrentSession): Promise<FormState> {
  const db = getDb();
  const { user, organisation } = current;
  const opened = await openRecoveryRequest(db, {
    organisationId: organisation.id,
    userId: user.id,
    context: current.context,
  });
  if (opened.outcome === "limited") return { status: "error", message: recoveryRequestLimited(opened.retryAt) };
  if (opened.outcome === "busy") return { status: "error", message: RECOVERY_REQUEST_BUSY };
  if (opened.outcome === "already_pending")
    return { status: "success", message: recoveryRequestAlreadySent(opened.request.createdAt, await viewerTimeZone()) };
  const administrators = await administratorsWhoMayActOn(db, organisation.id, user.id);
  for (const admin of administrators) {
    await tellAdministratorOfRecoveryRequest(db, admin, user, opened.request, organisation);
  }
  await tellUserOfRecoveryRequest(db, user, opened.request, organisation);
  return { status: "success", message: recoveryRequestSent(administrators.length) };
}
