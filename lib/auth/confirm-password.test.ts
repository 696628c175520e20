import { describe, expect, it } from "vitest";
import { confirmCurrentPassword } from "@/lib/auth/confirm-password";
import { insertUser, testDatabase } from "@/test/db";

describe("confirming the password from a signed-in session", () => {
  it("counts a stolen session's guesses across every address: the eleventh, even the right one, waits", async () => {
    const db = testDatabase();
    const user = await insertUser(db);
    for (let i = 1; i <= 10; i++) {
      const refusal = await confirmCurrentPassword(db, user, `guess ${i}`, { ip: `203.0.113.${i}`, userAgent: null });
      expect(refusal?.fieldErrors?.currentPassword).toBe("That is not your current password.");
    }
    const eleventh = await confirmCurrentPassword(db, user, user.password, { ip: "198.51.100.1", userAgent: null });
    expect(eleventh?.message).toMatch(/^Too many wrong passwords\. Try again in /);
  });

  it("forgives the session's own failures once the right password comes", async () => {
    const db = testDatabase();
    const user = await insertUser(db);
    for (let i = 1; i <= 9; i++)
      await confirmCurrentPassword(db, user, `typo ${i}`, { ip: `203.0.113.${i}`, userAgent: null });
    expect(await confirmCurrentPassword(db, user, user.password, { ip: "198.51.100.1", userAgent: null })).toBeNull();
    expect(
      await confirmCurrentPassword(db, user, "one more typo", { ip: "198.51.100.2", userAgent: null }),
    ).not.toBeNull();
    expect(await confirmCurrentPassword(db, user, user.password, { ip: "198.51.100.3", userAgent: null })).toBeNull();
  });
});
