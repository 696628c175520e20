import { describe, expect, it } from "vitest";
import { resetReasonSchema } from "@/lib/admin/reset-reason";

describe("the reason an administrator gives for resetting two-factor authentication", () => {
  const REQUIRED = "Say why you are resetting it, for example how you checked it was really them.";
  it.each([
    // input, accepted as, or the message shown
    ["Lost phone; checked by video call.", { ok: "Lost phone; checked by video call." }],
    ["  padded  ", { ok: "padded" }],
    ["x".repeat(500), { ok: "x".repeat(500) }],
    ["", { error: REQUIRED }],
    ["   \n  ", { error: REQUIRED }],
    [undefined, { error: REQUIRED }],
    ["x".repeat(501), { error: "Keep the reason to 500 characters or fewer." }],
  ])("%j", (input, expected) => {
    const parsed = resetReasonSchema.safeParse(input);
    expect(parsed.success ? { ok: parsed.data } : { error: parsed.error.issues[0]?.message }).toEqual(expected);
  });
});
