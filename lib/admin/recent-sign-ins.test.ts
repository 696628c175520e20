import { describe, expect, it } from "vitest";
import { organisations } from "@/db/schema";
import { recordAuditEvent } from "@/lib/audit";
import { recentSignInsOfUser } from "@/lib/admin/recent-sign-ins";
import { insertUser, testDatabase } from "@/test/db";

const firefox = {
  ip: "203.0.113.5",
  userAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
};

describe("a user's recent sign-ins, for the admin user page", () => {
  it("lists the last sign-in events newest first, failures included, and nothing else", async () => {
    const db = testDatabase();
    const user = await insertUser(db);
    const event = async (
      type: Parameters<typeof recordAuditEvent>[1]["type"],
      minute: number,
      details?: Record<string, string>,
    ) =>
      await recordAuditEvent(db, {
        type,
        organisationId: user.organisationId,
        targetUserId: user.id,
        context: firefox,
        details,
        at: new Date(Date.UTC(2026, 10, 28, 12, minute)),
      });
    await event("sign_in.failed", 0, { reason: "wrong_password" });
    await event("sign_in.throttled", 1, { limit: "pair" });
    await event("profile.updated", 2);
    await event("sign_in.refused", 3, { reason: "disabled" });
    await event("sign_in.password_verified", 4);
    await event("two_factor.failed", 5);
    await event("two_factor.succeeded", 6);
    await event("sign_in.completed", 7);
    expect(
      (await recentSignInsOfUser(db, user.organisationId, user.id)).map(({ result, failed, address, browser }) => [
        result,
        failed,
        address,
        browser,
      ]),
    ).toEqual([
      ["Signed in", false, "203.0.113.5", "Firefox on Linux"],
      ["Second step passed", false, "203.0.113.5", "Firefox on Linux"],
      ["Second step failed", true, "203.0.113.5", "Firefox on Linux"],
      ["Password accepted", false, "203.0.113.5", "Firefox on Linux"],
      ["Refused: disabled", true, "203.0.113.5", "Firefox on Linux"],
      ["Too many attempts: refused", true, "203.0.113.5", "Firefox on Linux"],
      ["Wrong password", true, "203.0.113.5", "Firefox on Linux"],
    ]);
    expect(await recentSignInsOfUser(db, user.organisationId, user.id, 2)).toHaveLength(2);
  });

  it("shows nothing to another organisation's administrator", async () => {
    const db = testDatabase();
    const user = await insertUser(db);
    const otherOrganisation = (await db.insert(organisations).values({ name: "Other" }).returning())[0]!.id;
    await recordAuditEvent(db, {
      type: "sign_in.password_verified",
      organisationId: user.organisationId,
      targetUserId: user.id,
      context: firefox,
    });
    expect(await recentSignInsOfUser(db, otherOrganisation, user.id)).toEqual([]);
    expect(await recentSignInsOfUser(db, user.organisationId, user.id)).toHaveLength(1);
  });
});
