import { describe, expect, it, vi } from "vitest";
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { auditEvents, emailLinks, organisations, roles, twoFactorReminders, userRoles, users } from "@/db/schema";
import { sendGraceReminders } from "@/lib/two-factor/reminders";
import { insertUser, testDatabase } from "@/test/db";

const sent = vi.hoisted(() => [] as { to: string; subject: string; text: string }[]);
vi.mock("@/lib/messaging", () => ({
  sendEmail: async (message: { to: string; subject: string; text: string }) => {
    sent.push(message);
  },
}));
vi.mock("@/lib/app-url", () => ({ appUrl: (path: string) => `https://twofold.example${path}` }));

const DAY = 24 * 60 * 60 * 1000;
const now = new Date(Date.UTC(2026, 10, 29, 9, 0));

/** Acme: 10 grace days, reminders 3 days before the deadline, codes not allowed. */
async function remindingOrganisation(db: Db): Promise<number> {
  const [row] = await db
    .insert(organisations)
    .values({ name: "Acme", allowCode: false, twoFactorGraceDays: 10, reminderDaysBeforeDeadline: 3 })
    .returning();
  return row!.id;
}

describe("grace period reminders", () => {
  it("emails each person whose deadline is within N days once a UTC day, in their time zone, and audits it", async () => {
    sent.length = 0;
    const db = testDatabase();
    const organisationId = await remindingOrganisation(db);
    // Deadline in 2 days: reminded. In 5 days: not yet. Past: not reminded (sent to setup instead).
    const soon = await insertUser(db, {
      organisationId,
      name: "Sam Soon",
      twoFactorRequirement: "required",
      twoFactorRequiredSince: new Date(now.getTime() - 8 * DAY),
      timeZone: "Europe/Paris",
    });
    await insertUser(db, {
      organisationId,
      twoFactorRequirement: "required",
      twoFactorRequiredSince: new Date(now.getTime() - 5 * DAY),
    });
    await insertUser(db, {
      organisationId,
      twoFactorRequirement: "required",
      twoFactorRequiredSince: new Date(now.getTime() - 11 * DAY),
    });
    // An organisation without reminders.
    const quiet = (
      await db.insert(organisations).values({ name: "Quiet", allowCode: false, twoFactorGraceDays: 10 }).returning()
    )[0]!.id;
    await insertUser(db, {
      organisationId: quiet,
      twoFactorRequirement: "required",
      twoFactorRequiredSince: new Date(now.getTime() - 9 * DAY),
    });

    expect(await sendGraceReminders(db, now)).toBe(1);
    expect(await sendGraceReminders(db, new Date(now.getTime() + 6 * 60 * 60 * 1000))).toBe(0);
    expect(sent.map(({ to, subject }) => [to, subject])).toEqual([
      [soon.email, "Acme: set up two-factor authentication"],
    ]);
    // 2 December 2026, 09:00 UTC is 10:00 in Paris.
    expect(sent[0]!.text).toMatch(/10:00/);
    expect(sent[0]!.text).toContain("https://twofold.example/login");
    const audited = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.type, "two_factor_reminder.sent"), eq(auditEvents.targetUserId, soon.id)));
    expect(audited).toHaveLength(1);

    // The next UTC day: another.
    expect(await sendGraceReminders(db, new Date(now.getTime() + DAY))).toBe(1);
    expect(sent).toHaveLength(2);
    expect(await db.select().from(twoFactorReminders).where(eq(twoFactorReminders.userId, soon.id))).toHaveLength(2);

    // Once they have a factor (codes turned on, now allowed), no more reminders.
    await db.update(organisations).set({ allowCode: true }).where(eq(organisations.id, organisationId));
    await db.update(users).set({ codesEnabledAt: now }).where(eq(users.id, soon.id));
    expect(await sendGraceReminders(db, new Date(now.getTime() + 2 * DAY))).toBe(0);
  });

  it("skips a pending invitation, and tells a phishing-resistant-only person to use a passkey, not an app", async () => {
    sent.length = 0;
    const db = testDatabase();
    const organisationId = await remindingOrganisation(db);
    const due = {
      organisationId,
      twoFactorRequirement: "required" as const,
      twoFactorRequiredSince: new Date(now.getTime() - 8 * DAY),
    };
    const invited = await insertUser(db, { ...due, passwordHash: null });
    await db.insert(emailLinks).values({
      organisationId,
      userId: invited.id,
      purpose: "invitation",
      tokenHash: "invitation-hash",
      expiresAt: new Date(now.getTime() + 7 * DAY),
    });
    // Through a role, with the person's own setting left at the default.
    const strict = await insertUser(db, { ...due, twoFactorRequirement: "default" });
    const [role] = await db
      .insert(roles)
      .values({ organisationId, name: "Finance", requireTwoFactor: true, requirePhishingResistant: true })
      .returning();
    await db.insert(userRoles).values({ userId: strict.id, roleId: role!.id });
    const ordinary = await insertUser(db, due);
    expect(await sendGraceReminders(db, now)).toBe(2);
    const byAddress = new Map(sent.map((message) => [message.to, message.text]));
    expect(byAddress.has(invited.email)).toBe(false);
    expect(byAddress.get(strict.email)).toMatch(/passkey or a security key/);
    expect(byAddress.get(strict.email)).not.toMatch(/authenticator app/);
    expect(byAddress.get(ordinary.email)).toMatch(/authenticator app/);
  });
});
