/**
 * Every audit event name, in one place. The rule: `noun.past_participle`. The noun is what the
 * event is about (what changed, or what was attempted), singular unless it is a set acted on as
 * one (`recovery_codes`, `user_sessions`); after the dot comes only what happened to it, in the
 * past tense (`duo.enabled`, not `two_factor.duo_enabled`; `code.undelivered`, not
 * `code.delivery_failed`). Renaming one means a migration that rewrites stored rows (see
 * db/migrations/0009_audit_event_names.sql).
 */
export const AUDIT_EVENT_LABELS = {
  // The password passed; a second step may still be owed. Stored as `sign_in.succeeded` before 0011.
  "sign_in.password_verified": "Password accepted",
  // The session is fully signed in (details.via says how): "last sign-in" is this event's time.
  "sign_in.completed": "Signed in",
  "sign_in.failed": "Wrong password",
  "sign_in.refused": "Sign-in refused",
  "sign_in.throttled": "Sign-in refused: too many attempts",
  "sso_sign_in.succeeded": "Signed in with SSO",
  "session.ended": "Signed out",
  "session.revoked": "Session ended",
  "user_sessions.revoked": "Every session of a user ended",
  "organisation_sessions.revoked": "Everyone signed out",
  "password.changed": "Password changed",
  "profile.updated": "Profile updated",
  "settings.updated": "Settings updated",
  "users.exported": "Users list exported",
  "audit.exported": "Audit log exported",
  "policy.updated": "Two-factor policy updated",
  "two_factor.succeeded": "Second step passed",
  "two_factor.failed": "Second step failed",
  "two_factor.skipped": "Second step skipped: remembered browser",
  "two_factor.locked": "Second step locked",
  "two_factor.unlocked": "Second step unlocked",
  // A code or Duo offered by someone who must use a passkey or security key (details.method says which).
  "two_factor_method.refused": "Second step refused: phishing-resistant method required",
  "two_factor.disabled": "Two-factor authentication turned off",
  "two_factor.reset": "Two-factor authentication reset",
  "two_factor_reminder.sent": "Two-factor setup reminder sent",
  "two_factor_setup.skipped": "Two-factor setup skipped",
  "two_factor_requirement.changed": "Two-factor requirement changed",
  "preferred_method.changed": "Preferred second step changed",
  "authenticator_app.enabled": "Authenticator app turned on",
  "sign_in_codes.enabled": "Sign-in codes turned on",
  "duo.enabled": "Duo turned on",
  "duo.disabled": "Duo turned off",
  "duo.refused": "Duo refused",
  "duo_connection.failed": "Duo could not be reached",
  "duo_connection.tested": "Duo connection tested",
  "duo_bypass.refused": "Duo bypass refused",
  "recovery_code.used": "Recovery code used",
  "recovery_codes.regenerated": "Recovery codes replaced",
  "recovery_codes.issued": "Recovery codes issued with a first passkey",
  "trusted_browser.remembered": "Browser remembered",
  "trusted_browser.forgotten": "Browser forgotten",
  "code.sent": "Code sent",
  "code.refused": "Code refused",
  "code.undelivered": "Code could not be delivered",
  "mobile.verified": "Mobile number verified",
  "mobile.removed": "Mobile number removed",
  "passkey.added": "Passkey added",
  "passkey.renamed": "Passkey renamed",
  // details.byAdministrator: an administrator removed it from the user's page (a lost device).
  "passkey.removed": "Passkey removed",
  "passkey.refused": "Passkey refused",
  // The signature counter went back: two copies of one key may be in use (details.credential names it).
  "passkey.clone_suspected": "Passkey refused: possible copy of the key",
  "passkey_sign_in.failed": "Passkey sign-in failed",
  "role.created": "Role created",
  "role.updated": "Role updated",
  "role.deleted": "Role deleted",
  "group.created": "Group created",
  "group.updated": "Group updated",
  "group.deleted": "Group deleted",
  "user.updated": "User updated",
  "user.disabled": "User disabled",
  "user.enabled": "User enabled",
  "api_account.created": "API account created",
  "api_token.created": "API token created",
  "api_token.revoked": "API token revoked",
  "invitation.sent": "Invitation sent",
  "invitation.resent": "Invitation sent again",
  "invitation.withdrawn": "Invitation withdrawn",
  "invitation.accepted": "Invitation accepted",
  "setup_link.sent": "Setup link sent",
  "setup_link.used": "Setup link used",
  "setup_link.undelivered": "Setup link could not be delivered",
  "access.refused": "Access refused",
  "access.confirmed": "Password confirmed for a sensitive action",
  "access_confirmation.failed": "Password confirmation failed",
  "password_reset.requested": "Password reset requested",
  "password_reset.sent": "Password reset link sent",
  "password_reset.undelivered": "Password reset link could not be delivered",
  "password_reset.completed": "Password reset",
  "recovery_request.created": "Help signing in requested",
  "recovery_request.dismissed": "Help request dismissed",
  "recovery_request.resolved": "Help request resolved",
  "recovery_request.expired": "Help request expired",
  "webhook.created": "Webhook added",
  "webhook.deleted": "Webhook deleted",
  "webhook.enabled": "Webhook enabled",
  "webhook.disabled": "Webhook disabled",
  "webhook_secret.rotated": "Webhook secret rotated",
  "webhook_test.sent": "Webhook test event sent",
  "webhook_delivery.retried": "Webhook delivery retried",
} as const satisfies Record<string, string>;

export type AuditEventName = keyof typeof AUDIT_EVENT_LABELS;

export const AUDIT_EVENT_NAMES = Object.keys(AUDIT_EVENT_LABELS) as [AuditEventName, ...AuditEventName[]];

/** How an administrator reads a stored name; a name from before a rename shows as stored. */
export function auditEventLabel(name: string): string {
  return (AUDIT_EVENT_LABELS as Record<string, string>)[name] ?? name;
}
