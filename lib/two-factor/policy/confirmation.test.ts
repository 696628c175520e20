import { describe, expect, it } from "vitest";
import { insertPasskey, insertUser, testDatabase } from "@/test/db";
import { policyRefusesCode } from "@/lib/two-factor/policy/confirmation";
import { twoFactorStateOfUser } from "@/lib/two-factor/policy/user-state";

async function stateOf(requirement: "phishing_resistant" | "required") {
  const db = testDatabase();
  const user = await insertUser(db, { twoFactorRequirement: requirement });
  await insertPasskey(db, user.id);
  return await twoFactorStateOfUser(db, user.id);
}

describe("confirm access for someone held to phishing-resistant methods", () => {
  it("refuses an authenticator-app or sent code: only the passkey (or a recovery code) confirms", async () => {
    const state = await stateOf("phishing_resistant");
    expect(state.methods).toEqual(["passkey"]);
    expect(policyRefusesCode(state, "123456")).toBe(true);
    expect(policyRefusesCode(state, " 123 456 ")).toBe(true);
    expect(policyRefusesCode(state, "abcd-efgh-jkmn")).toBe(false);
  });

  it("accepts codes from everyone else", async () => {
    const state = await stateOf("required");
    expect(policyRefusesCode(state, "123456")).toBe(false);
  });
});
