import { describe, expect, it } from "vitest";
import { hashPassword, passwordNeedsRehash, verifyPassword } from "@/lib/auth/passwords";

describe("password hashing", () => {
  it("uses argon2id with OWASP's parameters (19 MiB, 2 iterations, parallelism 1)", async () => {
    const hash = await hashPassword("correct horse battery staple");
    const [, algorithm, , parameters] = hash.split("$");
    expect(algorithm).toBe("argon2id");
    expect(Object.fromEntries(parameters!.split(",").map((pair) => pair.split("=")))).toEqual({
      m: "19456",
      t: "2",
      p: "1",
    });
    expect(passwordNeedsRehash(hash)).toBe(false);
  });

  it("salts every hash", async () => {
    expect(await hashPassword("same password")).not.toBe(await hashPassword("same password"));
  });

  it("accepts the right password and refuses others", async () => {
    const hash = await hashPassword("correct horse battery staple");
    expect(await verifyPassword(hash, "correct horse battery staple")).toBe(true);
    expect(await verifyPassword(hash, "Correct horse battery staple")).toBe(false);
    expect(await verifyPassword(hash, "")).toBe(false);
  });

  it("handles unicode passwords exactly", async () => {
    const hash = await hashPassword("pässwörd-🔐-パスワード");
    expect(await verifyPassword(hash, "pässwörd-🔐-パスワード")).toBe(true);
    expect(await verifyPassword(hash, "passwörd-🔐-パスワード")).toBe(false);
  });

  it("refuses every password when there is no stored hash, after doing the same work", async () => {
    expect(await verifyPassword(null, "twofold-dummy-password-for-timing")).toBe(false);
    expect(await verifyPassword(undefined, "anything")).toBe(false);
  });

  it("fails closed on a corrupt stored hash", async () => {
    expect(await verifyPassword("not-a-hash", "anything")).toBe(false);
  });

  it("flags hashes made with weaker parameters for an upgrade", async () => {
    const argon2 = await import("argon2");
    const weak = await argon2.hash("pw", { type: argon2.argon2id, memoryCost: 4096, timeCost: 1, parallelism: 1 });
    expect(passwordNeedsRehash(weak)).toBe(true);
  });
});
