import "server-only";
import { and, asc, inArray, isNotNull, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { organisations, twoFactorReminders, users } from "@/db/schema";
import { inGraceUsers, type NearestDeadline } from "@/lib/admin/adoption";
import type { RequestContext } from "@/lib/request-context";
import { utcDay } from "@/lib/admin/adoption-snapshots";
import { appUrl } from "@/lib/app-url";
import { recordAuditEvent } from "@/lib/audit";
import { formatDateTime } from "@/lib/format";
import { pendingInvitationSql } from "@/lib/invitations/pending";
import { phishingResistantOnly } from "@/lib/two-factor/policy/methods";
import { twoFactorStateOfUser } from "@/lib/two-factor/policy/user-state";
import { sendLinkEmail } from "@/lib/messaging/link-email";
import { recipientTimeZone } from "@/lib/messaging/recipient-time-zone";

/** More people than this in one organisation get their reminder at the job's next run. */
const REMINDERS_PER_RUN = 5_000;

/** Those of `ids` who have a pending invitation (lib/invitations/pending.ts). */
async function stillInvited(db: Db, ids: number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .where(and(inArray(users.id, ids), sql`${pendingInvitationSql}`));
  return new Set(rows.map((row) => row.id));
}

/**
 * The reminder's closing line, from the policy's view of the person: one who
 * may use only phishing-resistant methods is not told to use an authenticator
 * app their sign-in would refuse.
 */
async function howToSetUp(db: Db, userId: number, now: Date): Promise<string> {
  const { requirement } = await twoFactorStateOfUser(db, userId, now);
  return phishingResistantOnly(requirement)
    ? "You will need a passkey or a security key: your organisation accepts no other method for your account."
    : "It takes a minute with an authenticator app on your phone.";
}

/**
 * Emails everyone who is required to use 2FA, has no usable factor, is in
 * their grace period and whose deadline is within their organisation's
 * "remind N days before" setting, except people who have not accepted
 * their invitation yet. At most one a UTC day per person, whatever
 * the number of instances or runs: the reminder's row is inserted first
 * (unique per user and day) and the email goes only if the insert took.
 * Returns how many were sent.
 */
export async function sendGraceReminders(db: Db, now = new Date()): Promise<number> {
  let sent = 0;
  const reminding = await db
    .select({ id: organisations.id, name: organisations.name, days: organisations.reminderDaysBeforeDeadline })
    .from(organisations)
    .where(isNotNull(organisations.reminderDaysBeforeDeadline))
    .orderBy(asc(organisations.id));
  for (const organisation of reminding) {
    const people = await inGraceUsers(db, organisation.id, now, REMINDERS_PER_RUN, organisation.days!);
    const invited = await stillInvited(
      db,
      people.map((person) => person.id),
    );
    for (const person of people) {
      // Someone who has not accepted their invitation cannot sign in yet: the invitation is what they need.
      if (invited.has(person.id)) continue;
      const outcome = await remindOfGrace(db, organisation, person, now);
      if (outcome === "sent") sent++;
    }
  }
  return sent;
}

type GraceReminderOutcome = "sent" | "undelivered" | "already_reminded";

/**
 * One person's reminder: the day's row first (unique per user and UTC day),
 * the email only if the insert took, then its audit event. An administrator's
 * bulk "Send reminder" (lib/data/admin-bulk-actions.ts) sends the same one,
 * under the same once-a-day rule, with themselves as the event's actor.
 */
export async function remindOfGrace(
  db: Db,
  organisation: { id: number; name: string },
  person: NearestDeadline,
  now: Date,
  actor?: { userId: number; context: RequestContext },
): Promise<GraceReminderOutcome> {
  const taken = await db
    .insert(twoFactorReminders)
    .values({ userId: person.id, day: utcDay(now), deadline: person.deadline })
    .onConflictDoNothing({ target: [twoFactorReminders.userId, twoFactorReminders.day] })
    .returning({ id: twoFactorReminders.id });
  if (taken.length === 0) return "already_reminded";
  const timeZone = await recipientTimeZone(db, person.id);
  const delivered = await sendLinkEmail({
    to: { email: person.email, name: person.name },
    organisationName: organisation.name,
    subject: "set up two-factor authentication",
    heading: "Set up two-factor authentication",
    intro: [
      `Your organisation requires two-factor authentication. Please set it up by ${formatDateTime(person.deadline, timeZone)}: after that, you will have to set it up before you can do anything else.`,
      "Sign in to set it up:",
    ],
    url: appUrl("/login"),
    outro: [await howToSetUp(db, person.id, now)],
  });
  await recordAuditEvent(db, {
    type: "two_factor_reminder.sent",
    organisationId: organisation.id,
    targetUserId: person.id,
    actorUserId: actor?.userId,
    context: actor?.context,
    details: { deadline: person.deadline.toISOString(), delivered },
    at: now,
  });
  return delivered ? "sent" : "undelivered";
}
