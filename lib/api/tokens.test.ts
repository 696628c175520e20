import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { apiTokens, users } from "@/db/schema";
import {
  API_TOKEN_PREFIX,
  authenticateApiToken,
  createApiToken,
  listApiTokens,
  NotAnApiAccountError,
  revokeApiToken,
} from "@/lib/api/tokens";
import { hashToken } from "@/lib/crypto";
import { insertUser, testDatabase } from "@/test/db";

const now = new Date("2026-04-01T10:00:00Z");
const later = (ms: number) => new Date(now.getTime() + ms);

describe("API tokens", () => {
  let db: Db;
  let account: Awaited<ReturnType<typeof insertUser>>;
  let admin: Awaited<ReturnType<typeof insertUser>>;
  beforeEach(async () => {
    db = testDatabase();
    account = await insertUser(db, { isApiAccount: true, name: "Billing sync" });
    admin = await insertUser(db, { organisationId: account.organisationId });
  });

  it("makes a prefixed 256-bit token, stores only its SHA-256 and a short hint, and shows it just once", async () => {
    const created = await createApiToken(db, { userId: account.id, name: "CI", createdByUserId: admin.id, now });
    expect(created.token).toMatch(new RegExp(`^${API_TOKEN_PREFIX}[A-Za-z0-9_-]{43}$`));
    expect(Buffer.from(created.token.slice(API_TOKEN_PREFIX.length), "base64url")).toHaveLength(32);
    const row = (await db.select().from(apiTokens).where(eq(apiTokens.id, created.id)))[0]!;
    expect(row).toMatchObject({
      userId: account.id,
      name: "CI",
      createdByUserId: admin.id,
      tokenHash: hashToken(created.token),
      createdAt: now,
      lastUsedAt: null,
      revokedAt: null,
    });
    expect(row.hint).toBe(created.token.slice(0, 8));
    expect(created.token.startsWith(row.hint)).toBe(true);
    expect(JSON.stringify(row)).not.toContain(created.token);
    expect(JSON.stringify(await listApiTokens(db, account.id))).not.toContain(created.token);
  });

  it("gives every token a different value and hint", async () => {
    const tokens = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        createApiToken(db, { userId: account.id, name: `t${index}`, createdByUserId: null }),
      ),
    );
    expect(new Set(tokens.map((token) => token.token)).size).toBe(20);
    expect(new Set(tokens.map((token) => token.hint)).size).toBeGreaterThan(15);
  });

  it("refuses to create a token for a user who is not an API account", async () => {
    await expect(createApiToken(db, { userId: admin.id, name: "Nope", createdByUserId: admin.id })).rejects.toThrow(
      NotAnApiAccountError,
    );
    expect(await db.select().from(apiTokens)).toEqual([]);
  });

  it("authenticates the exact token, finding it by hash, and returns the account and organisation", async () => {
    const { token, id } = await createApiToken(db, { userId: account.id, name: "CI", createdByUserId: admin.id });
    const caller = await authenticateApiToken(db, token, now);
    expect(caller).toMatchObject({
      tokenId: id,
      user: { id: account.id, email: account.email, name: "Billing sync", organisationId: account.organisationId },
      organisation: { id: account.organisationId, name: "Test Org" },
    });
    const last = token.at(-1) === "A" ? "B" : "A";
    for (const wrong of [
      token.slice(0, -1) + last,
      token.slice(API_TOKEN_PREFIX.length),
      `${token}x`,
      hashToken(token),
      "",
      account.password,
    ]) {
      expect(await authenticateApiToken(db, wrong, now), wrong).toBeNull();
    }
  });

  it("records the last use at most once a minute", async () => {
    const { token, id } = await createApiToken(db, { userId: account.id, name: "CI", createdByUserId: null });
    const lastUsed = async () =>
      (await db.select({ at: apiTokens.lastUsedAt }).from(apiTokens).where(eq(apiTokens.id, id)))[0]!.at;
    expect(await lastUsed()).toBeNull();
    await authenticateApiToken(db, token, now);
    expect(await lastUsed()).toEqual(now);
    await authenticateApiToken(db, token, later(59_000));
    expect(await lastUsed()).toEqual(now);
    await authenticateApiToken(db, token, later(60_000));
    expect(await lastUsed()).toEqual(later(60_000));
  });

  it("opens nothing once revoked, and revokes only the account's own active token", async () => {
    const { token, id } = await createApiToken(db, { userId: account.id, name: "CI", createdByUserId: null });
    const otherUser = (
      await db
        .insert(users)
        .values({
          organisationId: account.organisationId,
          email: "robot2@example.com",
          name: "Robot 2",
          isApiAccount: true,
        })
        .returning()
    )[0]!;
    const other = {
      userId: otherUser.id,
      ...(await createApiToken(db, { userId: otherUser.id, name: "Other", createdByUserId: null })),
    };
    expect(await revokeApiToken(db, { userId: other.userId, tokenId: id, now })).toBeNull();
    expect(await authenticateApiToken(db, token, now)).not.toBeNull();
    expect(await revokeApiToken(db, { userId: account.id, tokenId: id, now })).toEqual({ name: "CI" });
    expect(await authenticateApiToken(db, token, later(1))).toBeNull();
    expect(await revokeApiToken(db, { userId: account.id, tokenId: id, now })).toBeNull();
    expect(await listApiTokens(db, account.id)).toEqual([expect.objectContaining({ id, name: "CI", revokedAt: now })]);
    expect(await authenticateApiToken(db, other.token, now)).not.toBeNull();
  });

  it("stops working when the account is disabled or is no longer an API account, and works again when restored", async () => {
    const { token } = await createApiToken(db, { userId: account.id, name: "CI", createdByUserId: null });
    await db.update(users).set({ disabledAt: now }).where(eq(users.id, account.id));
    expect(await authenticateApiToken(db, token, now)).toBeNull();
    await db.update(users).set({ disabledAt: null, isApiAccount: false }).where(eq(users.id, account.id));
    expect(await authenticateApiToken(db, token, now)).toBeNull();
    await db.update(users).set({ isApiAccount: true }).where(eq(users.id, account.id));
    expect(await authenticateApiToken(db, token, now)).not.toBeNull();
  });

  it("lists a user's tokens newest first, with revoked ones marked", async () => {
    const first = await createApiToken(db, { userId: account.id, name: "First", createdByUserId: null, now });
    await createApiToken(db, { userId: account.id, name: "Second", createdByUserId: null, now: later(1000) });
    await revokeApiToken(db, { userId: account.id, tokenId: first.id, now: later(2000) });
    expect((await listApiTokens(db, account.id)).map((token) => [token.name, token.revokedAt])).toEqual([
      ["Second", null],
      ["First", later(2000)],
    ]);
    expect(await listApiTokens(db, admin.id)).toEqual([]);
  });
  it("opens nothing from the instant it expires, like a revoked token, and lists its expiry", async () => {
    const expiresAt = later(60_000);
    const expiring = await createApiToken(db, {
      userId: account.id,
      name: "Nightly",
      createdByUserId: null,
      expiresAt,
      now,
    });
    const lasting = await createApiToken(db, { userId: account.id, name: "Forever", createdByUserId: null, now });
    expect((await authenticateApiToken(db, expiring.token, later(59_999)))?.tokenId).toBe(expiring.id);
    expect(await authenticateApiToken(db, expiring.token, expiresAt)).toBeNull();
    expect(await authenticateApiToken(db, expiring.token, later(86_400_000))).toBeNull();
    expect((await authenticateApiToken(db, lasting.token, later(86_400_000 * 3650)))?.tokenId).toBe(lasting.id);
    expect((await listApiTokens(db, account.id)).map((token) => [token.name, token.expiresAt])).toEqual([
      ["Forever", null],
      ["Nightly", expiresAt],
    ]);
  });
});
