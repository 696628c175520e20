import type { Db } from "@/db";
import type { SessionStage } from "@/db/schema";
import { twoFactorStateOfUser } from "@/lib/two-factor/policy/user-state";
import { planSecondFactorDelivery } from "@/lib/two-factor/sent-codes/delivery";
import { codeRecipientOf } from "@/lib/two-factor/sent-codes/sign-in-recipient";

/**
 * The session an accepted invitation opens, from the stage the password
 * alone would leave (stageAfterPassword).
 *
 * Opening the invitation link proved the mailbox a moment ago: the link is a
 * single-use secret sent to that address, as an emailed code is, spent in the
 * same request that set the password. So when the only second factor the
 * invitee would be asked for is a code by email (the fallback of someone
 * required to use 2FA with nothing set up), another emailed code proves
 * nothing the link did not: it counts as that first sign-in's email proof.
 * Never weaker than the policy: an emailed code is then the most the policy
 * asks (NIST SP 800-63B-4 does not count email as an out-of-band authenticator
 * at all; the organisation chose to accept it, and the link is the same proof
 * of the same mailbox). An authenticator app, a verified mobile number or Duo
 * are proofs the link is not, so those are still asked for; and only this
 * first sign-in: every later one asks for a code as usual.
 *
 * Only a fresh link counts. An emailed code lives 2 minutes; an invitation
 * lives 7 days, time enough to land in a proxy's log, a browser's history or
 * a mail gateway's link scanner. After a day the invitee proves the mailbox
 * again with a code, as at any sign-in.
 *
 * A setup owed by email (a link first) is set up on screen instead, for the
 * same reason: the mailbox is proven.
 */
export const INVITATION_EMAIL_PROOF_MS = 24 * 60 * 60 * 1000;

export async function stageAfterInvitation(
  db: Db,
  input: { userId: number; sentAt: Date; now?: Date },
  stage: SessionStage,
): Promise<SessionStage> {
  const { userId } = input;
  const fresh = (input.now ?? new Date()).getTime() - input.sentAt.getTime() <= INVITATION_EMAIL_PROOF_MS;
  if (!fresh) return stage;
  if (stage === "email_setup") return "setup";
  if (stage !== "password") return stage;
  const { methods } = await twoFactorStateOfUser(db, userId);
  if (methods.length !== 1 || methods[0] !== "code") return stage;
  const recipient = await codeRecipientOf(db, userId);
  return recipient && planSecondFactorDelivery(recipient).channel === "email" ? "active" : stage;
}
