import "server-only";
import { redirect } from "next/navigation";
import { getDb } from "@/db";
import type { FormState } from "@/lib/action";
import { recordActorEvent } from "@/lib/audit";
import type { CurrentSession } from "@/lib/auth/guards";
import { duoMessage } from "@/lib/two-factor/duo/messages";
import { beginDuoPrompt } from "@/lib/two-factor/duo/prompt";
import { messages } from "@/lib/messages";
import { phishingResistantOnly } from "@/lib/two-factor/policy/methods";
import { twoFactorStateOfUser } from "@/lib/two-factor/policy/user-state";
import type { DuoPurpose } from "@/lib/two-factor/duo/states";

/** For the server actions that start a Duo round trip: off to Duo, or a plain message when Duo cannot be used now. */
export async function redirectToDuoPrompt(
  current: CurrentSession,
  purpose: DuoPurpose,
  rememberBrowser = false,
): Promise<FormState> {
  const db = getDb();
  // Duo would never be accepted at sign-in from someone who must use a passkey: not set up either.
  if (purpose === "enrol" && phishingResistantOnly((await twoFactorStateOfUser(db, current.user.id)).requirement)) {
    return { status: "error", message: messages.phishingResistantSetup };
  }
  const started = await beginDuoPrompt(db, {
    user: current.user,
    sessionTokenHash: current.session.tokenHash,
    purpose,
    rememberBrowser,
  });
  if (!started.ok) {
    await recordActorEvent(db, current, "duo_connection.failed", {
      targetUserId: current.user.id,
      details: { reason: started.reason, purpose },
    });
    return { status: "error", message: duoMessage(started.reason) };
  }
  redirect(started.url);
}
