"use server";

import { getDb } from "@/db";
import { recordActorEvent } from "@/lib/audit";
import { signOut } from "@/lib/auth/auth";
import { requireAnySession } from "@/lib/auth/guards";
import { deleteSession } from "@/lib/auth/sessions";

export async function signOutAction(): Promise<void> {
  const current = await requireAnySession();
  const db = getDb();
  deleteSession(db, current.token);
  recordActorEvent(db, current, "sign_out", { targetUserId: current.user.id });
  await signOut({ redirectTo: "/login" });
}
