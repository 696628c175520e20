import { and, eq, isNotNull } from "drizzle-orm";
import type { Db } from "@/db";
import { totpCredentials } from "@/db/schema";

export type TwoFactorStatus = { enabled: boolean; methods: Array<"totp"> };

/** Which second factors a user has confirmed. */
export function twoFactorStatus(db: Db, userId: number): TwoFactorStatus {
  const totp = db
    .select({ userId: totpCredentials.userId })
    .from(totpCredentials)
    .where(and(eq(totpCredentials.userId, userId), isNotNull(totpCredentials.confirmedAt)))
    .get();
  const methods: Array<"totp"> = totp ? ["totp"] : [];
  return { enabled: methods.length > 0, methods };
}
