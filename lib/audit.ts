import type { Db, Executor } from "@/db";
import { auditEvents } from "@/db/schema";
import type { RequestContext } from "@/lib/request-context";

export const AUDIT_EVENT_TYPES = [
  "sign_in.succeeded",
  "sign_in.failed",
  "sign_in.refused",
  "sign_in.throttled",
  "sign_in.sso",
  "sign_out",
  "session.revoked",
  "password.changed",
  "profile.updated",
  "settings.updated",
  "sessions.revoked_all",
  "two_factor.enabled",
  "two_factor.disabled",
  "two_factor.succeeded",
  "two_factor.failed",
  "two_factor.locked",
  "two_factor.unlocked",
  "two_factor.skipped_remembered_browser",
  "two_factor.setup_skipped",
  "two_factor.reset",
  "two_factor.requirement_changed",
  "policy.updated",
  "role.created",
  "role.updated",
  "role.deleted",
  "group.created",
  "group.updated",
  "group.deleted",
  "user.updated",
  "user.disabled",
  "user.enabled",
  "user.sessions_revoked",
  "recovery_code.used",
  "recovery_codes.regenerated",
  "trusted_browser.remembered",
  "trusted_browser.forgotten",
  "code.sent",
  "code.refused",
  "code.delivery_failed",
  "two_factor.codes_enabled",
  "two_factor.preferred_method_changed",
  "mobile.verified",
  "mobile.removed",
  "api_token.created",
  "api_token.revoked",
  "invitation.sent",
  "invitation.resent",
  "invitation.withdrawn",
  "invitation.accepted",
  "setup_link.sent",
  "setup_link.used",
  "setup_link.delivery_failed",
  "two_factor.duo_enabled",
  "two_factor.duo_disabled",
  "duo.refused",
  "duo.unreachable",
  "duo.bypass_refused",
  "duo.connection_tested",
  "access.refused",
  "access.confirmed",
  "access.confirmation_failed",
  "password_reset.requested",
  "password_reset.sent",
  "password_reset.delivery_failed",
  "password_reset.completed",
  "recovery_request.created",
  "recovery_request.dismissed",
  "recovery_request.resolved",
  "recovery_request.expired",
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

export type AuditEventInput = {
  type: AuditEventType;
  organisationId: number | null;
  actorUserId?: number | null;
  targetUserId?: number | null;
  context?: RequestContext;
  details?: Record<string, string | number | boolean | null>;
  at?: Date;
};

export function recordAuditEvent(db: Executor, event: AuditEventInput): void {
  db.insert(auditEvents)
    .values({
      type: event.type,
      organisationId: event.organisationId,
      actorUserId: event.actorUserId ?? null,
      targetUserId: event.targetUserId ?? null,
      ip: event.context?.ip ?? null,
      userAgent: event.context?.userAgent ?? null,
      details: event.details ?? null,
      ...(event.at ? { createdAt: event.at } : {}),
    })
    .run();
}

type Actor = { user: { id: number; organisationId: number }; context: RequestContext };

/** An event done by a signed-in user (to themselves, or as an admin to `targetUserId`). */
export function recordActorEvent(
  db: Db,
  actor: Actor,
  type: AuditEventType,
  options: { targetUserId?: number; details?: AuditEventInput["details"] } = {},
): void {
  recordAuditEvent(db, {
    type,
    organisationId: actor.user.organisationId,
    actorUserId: actor.user.id,
    targetUserId: options.targetUserId,
    context: actor.context,
    details: options.details,
  });
}
