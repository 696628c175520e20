import type { Db } from "@/db";
import type { CurrentSession } from "@/lib/auth/guards";
import { createSession, listSessionsOfUser } from "@/lib/auth/sessions";

/** A session of `user` at `stage`, as the guards hand it to a flow (no request: no address, no browser). */
export async function currentSessionOf(
  db: Db,
  user: { id: number; organisationId: number; email: string },
  stage: "active" | "password" | "setup",
): Promise<CurrentSession> {
  const context = { ip: null, userAgent: null };
  await createSession(db, { userId: user.id, stage, context });
  return {
    user: { id: user.id, organisationId: user.organisationId, name: "Test User", email: user.email },
    organisation: { id: user.organisationId, name: "Test Org" },
    session: { tokenHash: (await listSessionsOfUser(db, user.id))[0]!.tokenHash },
    context,
  } as unknown as CurrentSession;
}
