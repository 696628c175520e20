import "server-only";
import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { organisations, type DuoBypassAction } from "@/db/schema";

/** What the organisation does with a Duo "allow" without a second factor at sign-in: refuse it (the default) or let it in, flagged. */
export async function duoBypassAtSignIn(db: Db, organisationId: number): Promise<DuoBypassAction> {
  const row = (
    await db
      .select({ action: organisations.duoBypassAtSignIn })
      .from(organisations)
      .where(eq(organisations.id, organisationId))
  )[0];
  return row?.action === "flag" ? "flag" : "refuse";
}
