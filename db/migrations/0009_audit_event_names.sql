-- Audit event names follow one rule, `noun.past_participle` (lib/audit-events.ts): stored rows are renamed with them.
UPDATE `audit_events` SET `type` = 'sso_sign_in.succeeded' WHERE `type` = 'sign_in.sso';
--> statement-breakpoint
UPDATE `audit_events` SET `type` = 'session.ended' WHERE `type` = 'sign_out';
--> statement-breakpoint
UPDATE `audit_events` SET `type` = 'organisation_sessions.revoked' WHERE `type` = 'sessions.revoked_all';
--> statement-breakpoint
UPDATE `audit_events` SET `type` = 'user_sessions.revoked' WHERE `type` = 'user.sessions_revoked';
--> statement-breakpoint
UPDATE `audit_events` SET `type` = 'authenticator_app.enabled' WHERE `type` = 'two_factor.enabled';
--> statement-breakpoint
UPDATE `audit_events` SET `type` = 'two_factor.skipped' WHERE `type` = 'two_factor.skipped_remembered_browser';
--> statement-breakpoint
UPDATE `audit_events` SET `type` = 'two_factor_setup.skipped' WHERE `type` = 'two_factor.setup_skipped';
--> statement-breakpoint
UPDATE `audit_events` SET `type` = 'two_factor_requirement.changed' WHERE `type` = 'two_factor.requirement_changed';
--> statement-breakpoint
UPDATE `audit_events` SET `type` = 'sign_in_codes.enabled' WHERE `type` = 'two_factor.codes_enabled';
--> statement-breakpoint
UPDATE `audit_events` SET `type` = 'preferred_method.changed' WHERE `type` = 'two_factor.preferred_method_changed';
--> statement-breakpoint
UPDATE `audit_events` SET `type` = 'duo.enabled' WHERE `type` = 'two_factor.duo_enabled';
--> statement-breakpoint
UPDATE `audit_events` SET `type` = 'duo.disabled' WHERE `type` = 'two_factor.duo_disabled';
--> statement-breakpoint
UPDATE `audit_events` SET `type` = 'duo_connection.failed' WHERE `type` = 'duo.unreachable';
--> statement-breakpoint
UPDATE `audit_events` SET `type` = 'duo_bypass.refused' WHERE `type` = 'duo.bypass_refused';
--> statement-breakpoint
UPDATE `audit_events` SET `type` = 'duo_connection.tested' WHERE `type` = 'duo.connection_tested';
--> statement-breakpoint
UPDATE `audit_events` SET `type` = 'access_confirmation.failed' WHERE `type` = 'access.confirmation_failed';
--> statement-breakpoint
UPDATE `audit_events` SET `type` = 'code.undelivered' WHERE `type` = 'code.delivery_failed';
--> statement-breakpoint
UPDATE `audit_events` SET `type` = 'setup_link.undelivered' WHERE `type` = 'setup_link.delivery_failed';
--> statement-breakpoint
UPDATE `audit_events` SET `type` = 'password_reset.undelivered' WHERE `type` = 'password_reset.delivery_failed';
