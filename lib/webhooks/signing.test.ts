import { describe, expect, it } from "vitest";
import { generateWebhookSecret, verifyWebhookSignature, webhookSignature } from "@/lib/webhooks/signing";

describe("Standard Webhooks signing", () => {
  it("matches the spec's published example", () => {
    // https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md (example)
    expect(
      webhookSignature(
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        1614265330,
        '{"test": 2432232314}',
      ),
    ).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });

  it("makes whsec_ secrets of 32 random bytes, different each time", () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(secret.slice(6), "base64")).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(secret);
  });

  it("verifies its own signature and refuses a changed body or another secret", () => {
    const secret = generateWebhookSecret();
    const headers = {
      id: "msg_1",
      timestamp: "1700000000",
      signature: webhookSignature(secret, "msg_1", 1700000000, "{}"),
    };
    expect(verifyWebhookSignature(secret, headers, "{}")).toBe(true);
    expect(verifyWebhookSignature(secret, headers, "{ }")).toBe(false);
    expect(verifyWebhookSignature(generateWebhookSecret(), headers, "{}")).toBe(false);
  });
});
