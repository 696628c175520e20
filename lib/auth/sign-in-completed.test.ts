import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents, users } from "@/db/schema";
import { recordSignInCompleted } from "@/lib/auth/sign-in-completed";
import { insertUser, testDatabase } from "@/test/db";

const context = { ip: "198.51.100.20", userAgent: "test" };
const at = new Date("2026-11-29T10:00:00Z");

describe("a completed sign-in", () => {
  it("sets last sign-in, records sign_in.completed with how, and keeps the browser's zone", async () => {
    const db = testDatabase();
    const user = await insertUser(db);
    await recordSignInCompleted(db, {
      userId: user.id,
      context,
      via: "second_factor",
      method: "totp",
      timeZone: "Europe/Paris",
      now: at,
    });
    expect((await db.select().from(users).where(eq(users.id, user.id)))[0]).toMatchObject({
      lastSignInAt: at,
      timeZone: "Europe/Paris",
    });
    expect(await db.select().from(auditEvents)).toMatchObject([
      {
        type: "sign_in.completed",
        actorUserId: user.id,
        targetUserId: user.id,
        organisationId: user.organisationId,
        ip: "198.51.100.20",
        details: { via: "second_factor", method: "totp" },
      },
    ]);
  });

  it("keeps the stored zone when the browser told none, or one that is not a zone", async () => {
    const db = testDatabase();
    const user = await insertUser(db);
    await recordSignInCompleted(db, { userId: user.id, context, via: "password", timeZone: "Europe/Paris", now: at });
    await recordSignInCompleted(db, { userId: user.id, context, via: "password", timeZone: null, now: at });
    await recordSignInCompleted(db, {
      userId: user.id,
      context,
      via: "password",
      timeZone: "Mars/Olympus_Mons",
      now: at,
    });
    expect((await db.select().from(users).where(eq(users.id, user.id)))[0]!.timeZone).toBe("Europe/Paris");
  });
});
