"use server";

import { getDb } from "@/db";
import { recordAuditEvent } from "@/lib/audit";
import { signOut } from "@/lib/auth/auth";
import { requireAnySession } from "@/lib/auth/guards";
import { deleteSession } from "@/lib/auth/sessions";

export async function signOutAction(): Promise<void> {
  const current = await requireAnySession();
  const db = getDb();
  deleteSession(db, current.token);
  recordAuditEvent(db, {
    type: "sign_out",
    organisationId: current.user.organisationId,
    actorUserId: current.user.id,
    targetUserId: current.user.id,
    context: current.context,
  });
  await signOut({ redirectTo: "/login" });
}
