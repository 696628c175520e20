import { beforeEach, describe, expect, it, vi } from "vitest";
import type * as DbModule from "@/db";
import type { Db } from "@/db";
import { emailLinks, organisations } from "@/db/schema";
import type { CurrentSession } from "@/lib/auth/guards";
import { createSession, loadSession } from "@/lib/auth/sessions";
import { insertUser, testDatabase } from "@/test/db";

let db: Db;
vi.mock("@/db", async (original) => ({ ...(await original<typeof DbModule>()), getDb: () => db }));

const { startRequiredSetup } = await import("@/lib/data/required-setup");

const context = { ip: null, userAgent: null };

async function signedIn(options: {
  flow: "on_screen" | "emailed_link";
  policy?: "optional" | "required";
  authenticatedAt?: Date;
}) {
  const organisationId = (
    await db
      .insert(organisations)
      .values({
        name: "Acme",
        twoFactorPolicy: options.policy ?? "required",
        requiredSetupFlow: options.flow,
        allowTotp: true,
        allowCode: false,
      })
      .returning()
  )[0]!.id;
  const user = await insertUser(db, { organisationId });
  const { token } = await createSession(db, {
    userId: user.id,
    stage: "active",
    context,
    authenticatedAt: options.authenticatedAt,
  });
  const current = async () => ({ ...(await loadSession(db, token))!, token, context }) as CurrentSession;
  return { user, token, current };
}

const stageOf = async (token: string) => (await loadSession(db, token))?.session.stage ?? null;

describe("startRequiredSetup (/login/setup/start)", () => {
  beforeEach(() => {
    db = testDatabase();
  });

  it("changes nothing for a session that owes no setup", async () => {
    const { token, current } = await signedIn({ flow: "emailed_link", policy: "optional" });
    expect(await startRequiredSetup(await current())).toBe("/");
    expect(await stageOf(token)).toBe("active");
    expect(await db.select().from(emailLinks)).toEqual([]);
  });

  it("sends the emailed link once, however often the address is opened", async () => {
    const { token, current } = await signedIn({ flow: "emailed_link" });
    const before = await current();
    expect(await startRequiredSetup(before)).toBe("/login/setup/email");
    // A second request that loaded the session before the first demoted it.
    expect(await startRequiredSetup(before)).toBe("/login/setup/email");
    expect(await startRequiredSetup(await current())).toBe("/login/setup/email");
    expect(await stageOf(token)).toBe("email_setup");
    expect(await db.select().from(emailLinks)).toHaveLength(1);
  });

  it("ends an old session instead of letting it bind a factor on screen", async () => {
    const { token, current } = await signedIn({
      flow: "on_screen",
      authenticatedAt: new Date(Date.now() - 24 * 60 * 60 * 1000),
    });
    expect(await startRequiredSetup(await current())).toBe("/login?reason=setup-required");
    expect(await stageOf(token)).toBeNull();
  });

  it("sends a recent session to the on-screen setup", async () => {
    const { token, current } = await signedIn({ flow: "on_screen", authenticatedAt: new Date() });
    expect(await startRequiredSetup(await current())).toBe("/login/setup");
    expect(await stageOf(token)).toBe("setup");
  });
});
