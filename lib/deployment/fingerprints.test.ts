import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { fingerprint, ringFingerprint } from "./fingerprints";

describe("secret fingerprints compared between instances", () => {
  it("are equal for the same secret, differ for another, and show nothing of the secret", async () => {
    const secret = "a passphrase an operator typed, 32+ characters long";
    const [same, again, other] = await Promise.all([
      fingerprint(secret),
      fingerprint(secret),
      fingerprint(`${secret}!`),
    ]);
    expect(same).toBe(again);
    expect(other).not.toBe(same);
    expect(same).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(same).not.toContain(Buffer.from(secret).toString("base64url").slice(0, 8));
  });

  it("are not a fast hash of the secret: an HMAC or SHA-256 of it would let guesses be tested cheaply", async () => {
    const secret = "a passphrase an operator typed, 32+ characters long";
    const result = await fingerprint(secret);
    expect(result).not.toBe(crypto.createHash("sha256").update(secret).digest("base64url"));
    expect(result).not.toBe(
      crypto.createHmac("sha256", secret).update("twofold/instance-agreement/v1").digest("base64url"),
    );
  });

  it("a key ring lists each key's fingerprint, newest first", async () => {
    const [newest, older] = [crypto.randomBytes(32), crypto.randomBytes(32)];
    expect(await ringFingerprint([newest, older])).toBe(`${await fingerprint(newest)}.${await fingerprint(older)}`);
  });
});
