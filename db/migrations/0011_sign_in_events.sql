-- `sign_in.succeeded` was recorded when the password passed, whatever the second step did next:
-- it is `sign_in.password_verified` now, and `sign_in.completed` marks a finished sign-in (lib/audit-events.ts).
UPDATE `audit_events` SET `type` = 'sign_in.password_verified' WHERE `type` = 'sign_in.succeeded';
