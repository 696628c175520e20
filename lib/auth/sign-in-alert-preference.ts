import { eq } from "drizzle-orm";
import type { Executor } from "@/db";
import { users } from "@/db/schema";

/** Whether the user gets "New sign-in to Twofold" emails (on unless they turned it off). */
export async function signInAlertsOn(db: Executor, userId: number): Promise<boolean> {
  return (await db.select({ on: users.signInAlerts }).from(users).where(eq(users.id, userId)))[0]?.on ?? true;
}

export async function setSignInAlerts(db: Executor, userId: number, on: boolean): Promise<void> {
  await db.update(users).set({ signInAlerts: on }).where(eq(users.id, userId));
}
