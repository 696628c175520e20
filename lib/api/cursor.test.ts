import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, type CursorScope } from "@/lib/api/cursor";
import { createKeyRing } from "@/lib/keys/key-ring";

const keyA = crypto.randomBytes(32);
const keyB = crypto.randomBytes(32);
const ring = createKeyRing([keyA]);
const scope: CursorScope = { endpoint: "users", organisationId: 7, filter: "state=in_grace" };

describe("API cursors", () => {
  it("give back the position they were issued for, and look like nothing in particular", () => {
    const cursor = encodeCursor(ring, scope, 1234);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(cursor).not.toContain("1234");
    expect(decodeCursor(ring, scope, cursor)).toEqual({ ok: true, position: 1234 });
  });

  it("refuse a cursor of other filters as such, so the client is told what went wrong", () => {
    const cursor = encodeCursor(ring, scope, 10);
    expect(decodeCursor(ring, { ...scope, filter: "state=protected" }, cursor)).toEqual({
      ok: false,
      reason: "other_filter",
    });
    expect(decodeCursor(ring, { ...scope, filter: "" }, cursor)).toEqual({ ok: false, reason: "other_filter" });
  });

  it("open only the endpoint and organisation they were issued for", () => {
    const cursor = encodeCursor(ring, scope, 10);
    expect(decodeCursor(ring, { ...scope, organisationId: 8 }, cursor)).toEqual({ ok: false, reason: "malformed" });
    expect(decodeCursor(ring, { ...scope, endpoint: "audit" }, cursor)).toEqual({ ok: false, reason: "malformed" });
  });

  it("cannot be forged: a position written by the client, or signed with another key, is refused", () => {
    const cursor = encodeCursor(ring, scope, 10);
    const [, signature] = cursor.split(".");
    const forgedPayload = Buffer.from(JSON.stringify([1, JSON.parse(atob(cursor.split(".")[0]!))[1]])).toString(
      "base64url",
    );
    expect(decodeCursor(ring, scope, `${forgedPayload}.${signature}`)).toEqual({ ok: false, reason: "malformed" });
    const otherKey = encodeCursor(createKeyRing([keyB]), scope, 10);
    expect(decodeCursor(ring, scope, otherKey)).toEqual({ ok: false, reason: "malformed" });
  });

  it.each([
    ["empty", ""],
    ["no signature", "abc"],
    ["three parts", "a.b.c"],
    ["not base64url", "a+b/c.abcdefghijklmnopqrstuv"],
    ["random", crypto.randomBytes(30).toString("base64url")],
    ["too long", `${"a".repeat(300)}.abcdefghijklmnopqrstuv`],
    ["a page number", "2"],
  ])("refuse garbage (%s)", (_name, cursor) => {
    expect(decodeCursor(ring, scope, cursor)).toEqual({ ok: false, reason: "malformed" });
  });

  it("keep opening after the key ring rotates, and stop when the old key leaves it", () => {
    const cursor = encodeCursor(ring, scope, 99);
    const rotated = createKeyRing([keyB, keyA]);
    expect(decodeCursor(rotated, scope, cursor)).toEqual({ ok: true, position: 99 });
    expect(decodeCursor(createKeyRing([keyB]), scope, cursor)).toEqual({ ok: false, reason: "malformed" });
    // New cursors are signed with the newest key.
    expect(decodeCursor(createKeyRing([keyB]), scope, encodeCursor(rotated, scope, 5))).toEqual({
      ok: true,
      position: 5,
    });
  });
});
