import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type * as DbModule from "@/db";
import type { Db } from "@/db";
import { organisations, passkeys, sessions, users } from "@/db/schema";
import { currentSessionOf } from "@/test/current-session";
import { insertPasskey, insertUser, testDatabase } from "@/test/db";

let db: Db;
vi.mock("@/db", async (original) => ({ ...(await original<typeof DbModule>()), getDb: () => db }));
// Next's redirect() throws; here, a recognisable throw naming where it went.
vi.mock("next/navigation", () => ({
  redirect: (to: string) => {
    throw new Error(`redirect ${to}`);
  },
}));
// No request here: the cookies are not this test's subject, and a completed sign-in is seen through noteFullSignIn.
vi.mock("@/lib/flows/session-cookies", () => ({
  setSessionCookie: async () => undefined,
  setTrustedBrowserCookie: async () => undefined,
}));
vi.mock("@/lib/flows/return-path-cookie", () => ({ takeNextPath: async () => "/" }));
const fullSignIns = vi.hoisted(() => [] as Array<{ userId: number; via: string }>);
vi.mock("@/lib/flows/full-sign-in", () => ({
  noteFullSignIn: async (_db: unknown, input: { userId: number; via: string }) => {
    fullSignIns.push({ userId: input.userId, via: input.via });
  },
}));

const { completeSignIn } = await import("@/lib/flows/sign-in-completion");

/**
 * Someone whose only factor is a passkey, signed in with the password only:
 * the session is in setup (the stage a password leaves them in when the
 * organisation no longer allows their passkey, review L1).
 */
async function passwordOnlySession({ allowPasskey }: { allowPasskey: boolean }) {
  const organisationId = (
    await db.insert(organisations).values({ name: "Org", twoFactorPolicy: "required", allowPasskey }).returning()
  )[0]!.id;
  const user = await insertUser(db, { organisationId, passwordResetByEmailAt: new Date() });
  await insertPasskey(db, user.id, { name: "Old key" });
  const current = await currentSessionOf(db, user, "setup");
  return { user, current };
}

const stagesOf = async (userId: number) =>
  (await db.select().from(sessions).where(eq(sessions.userId, userId))).map((session) => session.stage);

beforeEach(() => {
  db = testDatabase();
  fullSignIns.length = 0;
});

describe("completing a sign-in from required setup (review L1)", () => {
  it("an attacker with only the password posts “I have saved my recovery codes”: a passkey the organisation no longer allows does not finish setup", async () => {
    const { user, current } = await passwordOnlySession({ allowPasskey: false });
    await expect(completeSignIn(current)).rejects.toThrow("redirect /login/setup");
    expect(await stagesOf(user.id)).toEqual(["setup"]);
    // Nothing of a completed sign-in happened: no "last sign-in" or alert, and the reset mark stays.
    expect(fullSignIns).toEqual([]);
    const [row] = await db.select().from(users).where(eq(users.id, user.id));
    expect(row!.passwordResetByEmailAt).not.toBeNull();
  });

  it("nor does the sent-code fallback, which needs no setup", async () => {
    const { user, current } = await passwordOnlySession({ allowPasskey: false });
    await db.delete(passkeys).where(eq(passkeys.userId, user.id));
    await db.update(organisations).set({ allowCode: true }).where(eq(organisations.id, user.organisationId));
    await expect(completeSignIn(current)).rejects.toThrow("redirect /login/setup");
    expect(await stagesOf(user.id)).toEqual(["setup"]);
  });

  it("an allowed passkey does: the session becomes a full one", async () => {
    const { user, current } = await passwordOnlySession({ allowPasskey: true });
    await expect(completeSignIn(current)).rejects.toThrow("redirect /");
    expect(await stagesOf(user.id)).toEqual(["active"]);
    expect(fullSignIns).toEqual([{ userId: user.id, via: "setup" }]);
  });
});
