import { eq } from "drizzle-orm";
import type { Executor } from "@/db";
import { users } from "@/db/schema";

/** Whether the user gets "New sign-in to Twofold" emails (on unless they turned it off). */
export function signInAlertsOn(db: Executor, userId: number): boolean {
  return db.select({ on: users.signInAlerts }).from(users).where(eq(users.id, userId)).get()?.on ?? true;
}

export function setSignInAlerts(db: Executor, userId: number, on: boolean): void {
  db.update(users).set({ signInAlerts: on }).where(eq(users.id, userId)).run();
}
