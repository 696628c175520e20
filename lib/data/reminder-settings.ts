import "server-only";
import { eq } from "drizzle-orm";
import { getDb } from "@/db";
import { organisations } from "@/db/schema";
import { recordActorEvent } from "@/lib/audit";
import type { CurrentSession } from "@/lib/auth/guards";

/** The organisation's "remind N days before the deadline"; null: no reminders. */
export async function getReminderDays(current: CurrentSession): Promise<number | null> {
  const row = (
    await getDb()
      .select({ days: organisations.reminderDaysBeforeDeadline })
      .from(organisations)
      .where(eq(organisations.id, current.organisation.id))
  )[0];
  return row?.days ?? null;
}

/** Saves the setting (the caller has guarded); audited as a settings change. Returns whether anything changed. */
export async function saveReminderDays(current: CurrentSession, days: number | null): Promise<boolean> {
  const db = getDb();
  const before = await getReminderDays(current);
  if (before === days) return false;
  await db
    .update(organisations)
    .set({ reminderDaysBeforeDeadline: days })
    .where(eq(organisations.id, current.organisation.id));
  await recordActorEvent(db, current, "settings.updated", {
    details: { section: "reminders", reminderDaysBeforeDeadline: days, previousReminderDaysBeforeDeadline: before },
  });
  return true;
}
