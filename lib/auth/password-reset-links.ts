import type { Executor } from "@/db";
import { revokeEmailLinks } from "@/lib/email-links";

/*
 * Apart from lib/auth/password-reset.ts, which sends email and builds links
 * from the server's environment: lib/admin/user-admin.ts needs only this, and
 * runs in commands too (`npm run admin:create`), outside the server.
 */

/**
 * Withdraws the user's unused reset links, when an administrator ends their
 * access (disables them, makes them an API account, signs them out
 * everywhere). Refusing such an account when a link is used is not enough:
 * enabling it again within the 30 minutes would bring the link back.
 */
export async function withdrawPasswordResetLinks(tx: Executor, userId: number, now = new Date()): Promise<number> {
  return await revokeEmailLinks(tx, { userId, purpose: "password_reset" }, now);
}
