import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { organisations, users, type SessionStage } from "@/db/schema";
import { hasConfirmedAuthenticator } from "@/lib/two-factor/authenticator";
import { isTrustedBrowser } from "@/lib/two-factor/trusted-browsers";

export type StageAfterPassword = { stage: SessionStage; rememberedBrowser: boolean };

/**
 * Where a correct password leaves a user: still owing a second factor, or
 * fully signed in (no factor to ask for, 2FA disabled for them, or a browser
 * they asked us to remember).
 */
export function stageAfterPassword(
  db: Db,
  userId: number,
  trustedBrowserToken: string | null,
  now = new Date(),
): StageAfterPassword {
  const policy = db
    .select({ organisation: organisations.twoFactorPolicy, user: users.twoFactorRequirement })
    .from(users)
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .where(eq(users.id, userId))
    .get();
  const twoFactorDisabled = policy?.organisation === "disabled" || policy?.user === "disabled";
  if (twoFactorDisabled || !hasConfirmedAuthenticator(db, userId)) return { stage: "active", rememberedBrowser: false };
  if (isTrustedBrowser(db, userId, trustedBrowserToken, now)) return { stage: "active", rememberedBrowser: true };
  return { stage: "password", rememberedBrowser: false };
}
