import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "@/db";
import { recoveryCodes } from "@/db/schema";
import type { KeyRing } from "@/lib/keys/key-ring";
import { replaceRecoveryCodes } from "@/lib/two-factor/recovery-codes/codes";
import { passkeyCount } from "@/lib/webauthn/passkeys";

/**
 * Recovery codes for someone who has just added their first passkey and holds
 * no unused codes: generated exactly as enrolling an authenticator app does
 * (replaceRecoveryCodes), to be shown once. Without them, a user whose only
 * factor is a passkey (a phishing-resistant-only user) has no break-glass
 * when the passkey is lost (NIST SP 800-63B-4 §4.2: a user should be able to
 * recover without a help-desk reset; OWASP ASVS 5.0 V6.4). Null when the user
 * already has codes or other passkeys: their codes stay as they are.
 */
export async function recoveryCodesForFirstPasskey(db: Db, userId: number, keys: KeyRing): Promise<string[] | null> {
  return await db.transaction(async (tx) => {
    if ((await passkeyCount(tx, userId)) !== 1) return null;
    const unused = await tx
      .select({ id: recoveryCodes.id })
      .from(recoveryCodes)
      .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)))
      .limit(1);
    if (unused.length > 0) return null;
    return await replaceRecoveryCodes(tx, userId, keys);
  });
}
