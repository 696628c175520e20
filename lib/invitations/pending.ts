import { sql } from "drizzle-orm";

/**
 * A user who was invited and has not accepted yet: no password, and an
 * invitation link on record (SSO users have no password either, but no link).
 * Raw SQL for the users list and the administrator count, on "users" rows.
 */
export const pendingInvitationSql = sql<number>`("users"."password_hash" is null and exists (
  select 1 from "email_links" where "email_links"."user_id" = "users"."id" and "email_links"."purpose" = 'invitation'
))`;
