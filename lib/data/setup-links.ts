import "server-only";
import { getDb } from "@/db";
import type { CurrentSession } from "@/lib/auth/guards";
import { lookUpEmailLink } from "@/lib/email-links";
import { hasConfirmedAuthenticator } from "@/lib/two-factor/authenticator-app/credentials";

/* An administrator's "Send setup link" (/setup/<token>), as its recipient sees it. */

export type SetupLinkView =
  | { state: "unknown" }
  /** Someone else's link: the page answers 403. */
  | { state: "not_yours" }
  | { state: "live" | "used" | "expired" | "revoked"; hasAuthenticator: boolean };

/** What the link is to the signed-in user; viewing never spends it. */
export async function viewSetupLink(current: CurrentSession, token: string): Promise<SetupLinkView> {
  const db = getDb();
  const found = await lookUpEmailLink(db, "authenticator_setup", token);
  if (found.state === "unknown") return { state: "unknown" };
  if (found.link.userId !== current.user.id) return { state: "not_yours" };
  return { state: found.state, hasAuthenticator: await hasConfirmedAuthenticator(db, current.user.id) };
}
