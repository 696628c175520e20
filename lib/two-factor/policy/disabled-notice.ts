import { and, count, eq, gt, or, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { users } from "@/db/schema";
import { notifyUser } from "@/lib/messaging/notify";
import { twoFactorTurnedOffForOrganisation } from "@/lib/messaging/security-emails";
import { hasConfirmedAuthenticatorSql } from "@/lib/two-factor/authenticator-app/credentials";

/*
 * Turning the organisation's policy to Disabled stops the second factor being
 * asked of everyone, per-user "Required" included (the policy comes first in
 * effectiveTwoFactorRequirement). The settings page says how many people that
 * touches, and they are told by email: a silent downgrade of their sign-in is
 * a change to their account's security (ASVS 5.0 V6.2.x, notify users of
 * authentication changes).
 */

/** People who use 2FA now: an enabled, signable account (not API, not SSO) with a factor turned on. */
function peopleWithFactorSql(organisationId: number) {
  return and(
    eq(users.organisationId, organisationId),
    sql`${users.disabledAt} is null`,
    eq(users.isApiAccount, false),
    sql`${users.ssoSubject} is null`,
    or(sql`${users.codesEnabledAt} is not null`, sql`${users.duoEnabledAt} is not null`, hasConfirmedAuthenticatorSql),
  );
}

/** How many people setting the policy to Disabled would stop asking: one aggregate query. */
export async function countPeopleWithFactor(db: Db, organisationId: number): Promise<number> {
  return (await db.select({ count: count() }).from(users).where(peopleWithFactorSql(organisationId)))[0]?.count ?? 0;
}

/** The words beside "Disabled" on the settings page, or null when there is nobody to tell about. */
export function disabledPolicyNotice(count: number): string | null {
  if (count === 0) return null;
  const who =
    count === 1 ? "1 person who uses two-factor authentication" : `${count} people who use two-factor authentication`;
  // True of effectiveTwoFactorRequirement: the policy comes before the per-person choice.
  return `${who} will no longer be asked for it, including anyone set to “Required” on their own page. They will be emailed.`;
}

/** Emails at once, per batch: a provider is not flooded, and a large organisation does not hold one connection per person. */
const BATCH_SIZE = 20;

/**
 * Emails everyone who used 2FA that it is off. Meant to run after the
 * response (next/server `after`): the change is saved already, so a failed
 * email is logged (notifyUser logs each one), never undone. Reads people a
 * page at a time by id, so memory stays small however large the organisation.
 */
export async function emailPeopleNoLongerAsked(
  db: Db,
  organisation: { id: number; name: string },
  actorName: string,
): Promise<number> {
  const message = twoFactorTurnedOffForOrganisation({ actorName });
  let emailed = 0;
  let afterId = 0;
  for (;;) {
    const batch = await db
      .select({ id: users.id, email: users.email, name: users.name })
      .from(users)
      .where(and(peopleWithFactorSql(organisation.id), gt(users.id, afterId)))
      .orderBy(users.id)
      .limit(BATCH_SIZE);
    if (batch.length === 0) return emailed;
    afterId = batch[batch.length - 1]!.id;
    await Promise.all(batch.map((person) => notifyUser(person, organisation, message)));
    emailed += batch.length;
  }
}
