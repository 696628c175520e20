import { describe, expect, it } from "vitest";
import { z } from "zod";
import { authenticationResponseField, challengeOf, MAX_RESPONSE_JSON_LENGTH } from "@/lib/webauthn/response-schema";

const form = z.object({ response: authenticationResponseField("That passkey answer was not understood.") });
const answer = {
  id: "abc",
  rawId: "abc",
  type: "public-key",
  response: { clientDataJSON: "e30", authenticatorData: "AAAA", signature: "BBBB" },
  clientExtensionResults: {},
};

describe("the browser's passkey answer", () => {
  it("is accepted when it has the shape of an assertion", () => {
    const parsed = form.safeParse({ response: JSON.stringify(answer) });
    expect(parsed.success && parsed.data.response.id).toBe("abc");
  });

  it.each([
    ["not JSON", "{"],
    ["JSON of the wrong shape", JSON.stringify({ id: "abc" })],
    ["a non-base64url field", JSON.stringify({ ...answer, id: "a b" })],
    ["too long", JSON.stringify({ ...answer, pad: "x".repeat(MAX_RESPONSE_JSON_LENGTH) })],
  ])("is refused with a clear message when %s", (_case, response) => {
    const parsed = form.safeParse({ response });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe("That passkey answer was not understood.");
    expect(parsed.error?.issues[0]?.path).toEqual(["response"]);
  });
});

describe("challengeOf", () => {
  it("reads the challenge out of clientDataJSON", () => {
    const clientData = Buffer.from(JSON.stringify({ type: "webauthn.get", challenge: "xyz_-1" })).toString("base64url");
    expect(challengeOf(clientData)).toBe("xyz_-1");
  });

  it.each(["", "!!!", Buffer.from("[]").toString("base64url")])("is null for %j", (clientData) => {
    expect(challengeOf(clientData)).toBeNull();
  });
});
