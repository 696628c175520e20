import "server-only";
import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { organisations, type DuoBypassAction } from "@/db/schema";

/** What the organisation does with a Duo "allow" without a second factor at sign-in: refuse it (the default) or let it in, flagged. */
export function duoBypassAtSignIn(db: Db, organisationId: number): DuoBypassAction {
  const row = db
    .select({ action: organisations.duoBypassAtSignIn })
    .from(organisations)
    .where(eq(organisations.id, organisationId))
    .get();
  return row?.action === "flag" ? "flag" : "refuse";
}
