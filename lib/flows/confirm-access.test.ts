import crypto from "node:crypto";
import { and, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type * as DbModule from "@/db";
import type { Db } from "@/db";
import { auditEvents, totpCredentials } from "@/db/schema";
import { totpSecretBinding } from "@/lib/keys/bindings";
import { createKeyRing } from "@/lib/keys/key-ring";
import { encryptSecret } from "@/lib/keys/secrets";
import { messages } from "@/lib/messages";
import { generateTotpSecret, totpCodeAt } from "@/lib/two-factor/authenticator-app/totp";
import { replaceRecoveryCodes } from "@/lib/two-factor/recovery-codes/codes";
import { currentSessionOf } from "@/test/current-session";
import { insertPasskey, insertUser, testDatabase } from "@/test/db";

let db: Db;
const ring = createKeyRing([crypto.randomBytes(32)]);
vi.mock("@/db", async (original) => ({ ...(await original<typeof DbModule>()), getDb: () => db }));
vi.mock("@/lib/keys/app-key-ring", () => ({ appKeyRing: () => ring }));
vi.mock("@/lib/messaging", () => ({ sendEmail: async () => undefined }));

const { confirmPasswordAndCode } = await import("@/lib/flows/confirm-access");

/** A signed-in user with an authenticator app, recovery codes and a passkey, under `requirement`. */
async function signedInUser(requirement: "phishing_resistant" | "required") {
  const user = await insertUser(db, { twoFactorRequirement: requirement });
  const secret = generateTotpSecret();
  await db.insert(totpCredentials).values({
    userId: user.id,
    secretEncrypted: encryptSecret(secret, totpSecretBinding(user.id), ring),
    confirmedAt: new Date(),
  });
  const recoveryCodes = await replaceRecoveryCodes(db, user.id, ring);
  await insertPasskey(db, user.id);
  const current = await currentSessionOf(db, user, "active");
  return { user, current, code: () => totpCodeAt(secret, new Date()), recoveryCodes };
}

const refusals = async (userId: number) =>
  await db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.type, "two_factor_method.refused"), eq(auditEvents.targetUserId, userId)));

beforeEach(() => {
  db = testDatabase();
});

describe("the profile's confirmation with the password and a code (turn off 2FA, new recovery codes)", () => {
  it("refuses a right authenticator code from someone held to phishing-resistant methods, as the sign-in does", async () => {
    const { user, current, code } = await signedInUser("phishing_resistant");
    const refusal = await confirmPasswordAndCode(current, { password: user.password, code: code() });
    expect(refusal).toMatchObject({
      status: "error",
      fieldErrors: { code: messages.phishingResistantMethodRefused },
    });
    expect(await refusals(user.id)).toEqual([
      expect.objectContaining({
        actorUserId: user.id,
        details: { reason: "phishing_resistant_required", for: "confirmation" },
      }),
    ]);
  });

  it("refuses a sent code's six digits alike, before the password is even checked", async () => {
    const { user, current } = await signedInUser("phishing_resistant");
    const refusal = await confirmPasswordAndCode(current, { password: "not the password", code: "123 456" });
    expect(refusal).toMatchObject({ fieldErrors: { code: messages.phishingResistantMethodRefused } });
    expect(await refusals(user.id)).toHaveLength(1);
  });

  it("still takes their recovery code (break-glass)", async () => {
    const { user, current, recoveryCodes } = await signedInUser("phishing_resistant");
    expect(await confirmPasswordAndCode(current, { password: user.password, code: recoveryCodes[0]! })).toBeNull();
    expect(await refusals(user.id)).toEqual([]);
  });

  it("takes the authenticator code of everyone else", async () => {
    const { user, current, code } = await signedInUser("required");
    expect(await confirmPasswordAndCode(current, { password: user.password, code: code() })).toBeNull();
    expect(await refusals(user.id)).toEqual([]);
  });
});
