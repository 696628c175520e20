import "server-only";
import { getDb } from "@/db";
import { recordActorEvent } from "@/lib/audit";
import { homeOf, type CurrentSession } from "@/lib/auth/guards";
import { isRecentlyAuthenticated } from "@/lib/auth/recent-authentication";
import { deleteSession, demoteSessionToSetup, rotateSession } from "@/lib/auth/sessions";
import { consumeEmailLink, liveEmailLinkOfSession } from "@/lib/email-links";
import type { Requirement } from "@/lib/two-factor/policy/requirement";
import { phishingResistantOnly } from "@/lib/two-factor/policy/methods";
import { mustSetUpNow, twoFactorStateOfUser } from "@/lib/two-factor/policy/user-state";
import {
  checkSignInSetupLink,
  sendSignInSetupLink,
  sendSignInSetupLinkQuietly,
  type LinkSendOutcome,
} from "@/lib/two-factor/required-setup/email-setup-link";

/*
 * The setup a sign-in owes when the organisation requires 2FA: on screen
 * (/login/setup), or first through an emailed link (/login/setup/email).
 * Every function acts for the session it is given and its own user only.
 */

/**
 * 2FA became required while this session was open: no sign-out needed, its
 * next request goes to setup (on screen, or first by email, as the
 * organisation chose), and so does every one after it. Decided again here
 * from the session itself, so calling this for a session that owes nothing
 * changes nothing. Returns where the browser goes next.
 */
export async function startRequiredSetup(current: CurrentSession): Promise<string> {
  if (current.session.stage !== "active") return homeOf(current.session.stage);
  const db = getDb();
  const state = await twoFactorStateOfUser(db, current.user.id);
  if (!mustSetUpNow(state)) return homeOf("active");
  const { setupStage } = state;
  // On screen, setup binds a factor with nothing but this session: only a
  // session that proved who it is recently may do that. An older one (a
  // cookie left open for weeks, or stolen) signs in again first
  // (NIST SP 800-63B-4 §4.1.2). The emailed link proves the mailbox instead.
  if (setupStage === "setup" && !isRecentlyAuthenticated(current)) {
    await deleteSession(db, current.token);
    return "/login?reason=setup-required";
  }
  // Of two requests racing here, only the one that demoted the session sends the link.
  const demoted = await demoteSessionToSetup(db, current.session.tokenHash, setupStage);
  if (demoted && setupStage === "email_setup") {
    await sendSignInSetupLinkQuietly(db, {
      userId: current.user.id,
      sessionTokenHash: current.session.tokenHash,
      context: current.context,
    });
  }
  return homeOf(setupStage);
}

/** `phishingResistantOnly`: only a passkey or security key may be set up (no app, no Duo). */
export type SetupScreen = { requirement: Requirement; duoAvailable: boolean; phishingResistantOnly: boolean };

/** /login/setup: the requirement (for the grace notice) and whether Duo may be set up instead. */
export async function setupScreen(current: CurrentSession): Promise<SetupScreen> {
  const { requirement, duoAvailable } = await twoFactorStateOfUser(getDb(), current.user.id);
  return { requirement, duoAvailable, phishingResistantOnly: phishingResistantOnly(requirement) };
}

export type EmailSetupScreen = { requirement: Requirement; linkWaiting: boolean };

/** /login/setup/email: whether a link sent to this session is still waiting, and the requirement. */
export async function emailSetupScreen(current: CurrentSession): Promise<EmailSetupScreen> {
  const db = getDb();
  const waiting = await liveEmailLinkOfSession(db, {
    userId: current.user.id,
    purpose: "sign_in_setup",
    sessionTokenHash: current.session.tokenHash,
  });
  const { requirement } = await twoFactorStateOfUser(db, current.user.id);
  return { requirement, linkWaiting: Boolean(waiting) };
}

/** "Send the link again": a new link for this session, under the cooldown and the hourly cap. */
export async function resendSignInSetupLink(current: CurrentSession): Promise<LinkSendOutcome> {
  return sendSignInSetupLink(getDb(), {
    userId: current.user.id,
    sessionTokenHash: current.session.tokenHash,
    context: current.context,
  });
}

/** Whether `token` is a live setup link of this very session; reading it changes nothing. */
export async function signInSetupLinkState(
  current: CurrentSession,
  token: string,
): Promise<"live" | "invalid" | "other_session"> {
  const check = await checkSignInSetupLink(getDb(), token, {
    userId: current.user.id,
    tokenHash: current.session.tokenHash,
  });
  return check.ok ? "live" : check.reason;
}

export type SetupLinkSpent =
  | { ok: true; token: string; expiresAt: Date }
  | { ok: false; reason: "invalid" | "other_session" | "just_used" | "session_ended" };

/**
 * The emailed link, opened in the session it was sent for: spent once, and
 * the session moves on to the on-screen setup, under a new id (returned, for the cookie).
 */
export async function spendSignInSetupLink(current: CurrentSession, token: string): Promise<SetupLinkSpent> {
  const db = getDb();
  const check = await checkSignInSetupLink(db, token, {
    userId: current.user.id,
    tokenHash: current.session.tokenHash,
  });
  if (!check.ok) return { ok: false, reason: check.reason };
  if (!(await consumeEmailLink(db, check.link.id))) return { ok: false, reason: "just_used" };
  await recordActorEvent(db, current, "setup_link.used", {
    targetUserId: current.user.id,
    details: { purpose: "sign_in_setup" },
  });
  const rotated = await rotateSession(db, current.session.tokenHash, { stage: "setup", context: current.context });
  if (!rotated) return { ok: false, reason: "session_ended" };
  return { ok: true, token: rotated.token, expiresAt: rotated.expiresAt };
}
