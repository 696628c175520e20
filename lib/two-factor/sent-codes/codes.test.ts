import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { oneTimeCodes } from "@/db/schema";
import {
  checkCode,
  CODE_LIFETIME_MS,
  issueCode,
  RESEND_COOLDOWN_MS,
  SEND_WINDOW_MS,
  SENDS_PER_ACCOUNT,
  WRONG_ENTRIES_PER_CODE,
  voidCode,
  voidEarlierCodes,
  type IssueResult,
  type SendPlan,
} from "@/lib/two-factor/sent-codes/codes";
import { insertUser, testDatabase } from "@/test/db";
import { createKeyRing } from "@/lib/keys/key-ring";

const keys = createKeyRing([crypto.randomBytes(32)]);
const start = new Date("2026-06-01T12:00:00Z");
const at = (ms: number) => new Date(start.getTime() + ms);
const byEmail: SendPlan = { channel: "email", destination: "ada@example.com", emailFallback: null };
const bySms: SendPlan = { channel: "sms", destination: "+447700900123", emailFallback: "ada@example.com" };

function issued(result: IssueResult) {
  if (!result.ok) throw new Error(`refused: ${result.reason}`);
  return result;
}

describe("one-time codes", () => {
  let db: Db;
  let user: { id: number; organisationId: number };
  const session = "session-a";
  beforeEach(async () => {
    db = testDatabase();
    user = await insertUser(db);
  });

  const issue = async (now: Date, overrides: Partial<Parameters<typeof issueCode>[1]> = {}) =>
    await issueCode(db, {
      userId: user.id,
      organisationId: user.organisationId,
      sessionTokenHash: session,
      purpose: "second_factor",
      plan: byEmail,
      smsHourlyLimit: 100,
      keys,
      now,
      ...overrides,
    });
  const check = async (code: string, now: Date, sessionTokenHash = session) =>
    await checkCode(db, { userId: user.id, sessionTokenHash, purpose: "second_factor", code, keys, now });

  it("makes six random digits, stores only a keyed hash, and accepts the code once", async () => {
    const { code } = issued(await issue(start));
    expect(code).toMatch(/^\d{6}$/);
    const row = (await db.select().from(oneTimeCodes))[0]!;
    expect(JSON.stringify(row)).not.toContain(code);
    expect(await check(code.replace(/(\d{3})/, "$1 "), at(1000))).toMatchObject({ ok: true, channel: "email" });
    expect(await check(code, at(2000))).toMatchObject({ ok: false, reason: "no_code" });
  });

  it("works only for the session it was sent to, and only for its purpose", async () => {
    const { code } = issued(await issue(start));
    expect(await check(code, at(1000), "session-b")).toMatchObject({ ok: false, reason: "no_code" });
    expect(
      (
        await checkCode(db, {
          userId: user.id,
          sessionTokenHash: session,
          purpose: "verify_mobile",
          code,
          keys,
          now: at(1000),
        })
      ).ok,
    ).toBe(false);
    expect((await check(code, at(1000))).ok).toBe(true);
  });

  it("expires after two minutes", async () => {
    const { code } = issued(await issue(start));
    expect(await check(code, at(CODE_LIFETIME_MS))).toMatchObject({ ok: false, reason: "expired" });
    const again = issued(await issue(at(CODE_LIFETIME_MS)));
    expect((await check(again.code, at(CODE_LIFETIME_MS + CODE_LIFETIME_MS - 1))).ok).toBe(true);
  });

  it("voids the earlier code once a new one is delivered, not before", async () => {
    const first = issued(await issue(start));
    const undelivered = issued(await issue(at(RESEND_COOLDOWN_MS)));
    await voidCode(db, undelivered.id, at(RESEND_COOLDOWN_MS));
    expect((await check(first.code, at(RESEND_COOLDOWN_MS + 1))).ok).toBe(true);

    const third = issued(await issue(at(2 * RESEND_COOLDOWN_MS)));
    const fourth = issued(await issue(at(3 * RESEND_COOLDOWN_MS)));
    await voidEarlierCodes(
      db,
      { userId: user.id, sessionTokenHash: session, purpose: "second_factor" },
      fourth.id,
      at(3 * RESEND_COOLDOWN_MS),
    );
    const voided = (await db.select().from(oneTimeCodes).where(eq(oneTimeCodes.id, third.id)))[0]!;
    expect(voided.voidedAt).toEqual(at(3 * RESEND_COOLDOWN_MS));
    expect((await check(fourth.code, at(3 * RESEND_COOLDOWN_MS + 2))).ok).toBe(true);
    expect((await check(third.code, at(3 * RESEND_COOLDOWN_MS + 3))).ok).toBe(false);
  });

  it("voids a code after five wrong entries, even if the right one follows", async () => {
    const { code } = issued(await issue(start));
    const wrong = code === "000000" ? "111111" : "000000";
    const results = [];
    for (let i = 0; i < WRONG_ENTRIES_PER_CODE; i++) results.push(await check(wrong, at(i + 1)));
    expect(results.map((r) => !r.ok && r.voided)).toEqual([false, false, false, false, true]);
    expect(await check(code, at(10))).toMatchObject({ ok: false, reason: "no_code" });
  });

  it("keeps 30 seconds between sends", async () => {
    issued(await issue(start));
    expect(await issue(at(RESEND_COOLDOWN_MS - 1))).toEqual({
      ok: false,
      reason: "cooldown",
      retryAt: at(RESEND_COOLDOWN_MS),
    });
    expect((await issue(at(RESEND_COOLDOWN_MS))).ok).toBe(true);
  });

  it("sends at most five codes per account in fifteen minutes, whichever session asks", async () => {
    const times = Array.from({ length: SENDS_PER_ACCOUNT }, (_, i) => at(i * RESEND_COOLDOWN_MS));
    for (const [i, time] of times.entries()) issued(await issue(time, { sessionTokenHash: `session-${i}` }));
    const sixth = await issue(at(SENDS_PER_ACCOUNT * RESEND_COOLDOWN_MS), { sessionTokenHash: "session-new" });
    expect(sixth).toEqual({ ok: false, reason: "too_many", retryAt: at(SEND_WINDOW_MS) });
    expect((await issue(at(SEND_WINDOW_MS), { sessionTokenHash: "session-new" })).ok).toBe(true);
    expect(await db.select().from(oneTimeCodes)).toHaveLength(SENDS_PER_ACCOUNT + 1);
  });

  it("caps text messages per organisation per hour, then sends codes by email, or refuses when email will not do", async () => {
    const colleagues = await Promise.all([1, 2, 3].map(() => insertUser(db, { organisationId: user.organisationId })));
    const sendSms = async (userId: number, plan: SendPlan) =>
      await issueCode(db, {
        userId,
        organisationId: user.organisationId,
        sessionTokenHash: `s${userId}`,
        purpose: "second_factor",
        plan,
        smsHourlyLimit: 2,
        keys,
        now: start,
      });
    expect(issued(await sendSms(colleagues[0]!.id, bySms)).channel).toBe("sms");
    expect(issued(await sendSms(colleagues[1]!.id, bySms)).channel).toBe("sms");
    expect(issued(await sendSms(colleagues[2]!.id, bySms))).toMatchObject({
      channel: "email",
      destination: "ada@example.com",
      fallbackReason: "sms_limit",
    });
    expect(await sendSms(user.id, { ...bySms, emailFallback: null })).toEqual({ ok: false, reason: "sms_limit" });
  });
});
