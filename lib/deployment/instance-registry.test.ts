import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { instances } from "@/db/schema";
import { thisInstance } from "@/lib/deployment/instance";
import { joinDeployment, leaveDeployment, PEER_WINDOW_MS, touchInstance } from "@/lib/deployment/instance-registry";
import { ConfigurationError } from "@/lib/env";
import { testDatabase } from "@/test/db";

const secret = () => crypto.randomBytes(32).toString("base64");
const key = () => ({ key: crypto.randomBytes(32), source: "APP_ENCRYPTION_KEY" });
const shared = { AUTH_SECRET: secret(), APP_ENCRYPTION_KEYS: [key()] };
const start = new Date("2026-11-29T12:00:00Z");
const later = (ms: number) => new Date(start.getTime() + ms);

describe("instances agree on their secrets at start", () => {
  it("a second instance with the same secrets joins, and each leaves by deleting its own row", async () => {
    const db = testDatabase();
    const first = await thisInstance(shared);
    const second = await thisInstance(shared);
    await joinDeployment(db, first, start);
    expect(await joinDeployment(db, second, later(1_000))).toEqual({ buildWarning: undefined });
    expect((await db.select({ id: instances.id }).from(instances)).map((row) => row.id).sort()).toEqual(
      [first.id, second.id].sort(),
    );
    await leaveDeployment(db, first.id);
    expect((await db.select({ id: instances.id }).from(instances)).map((row) => row.id)).toEqual([second.id]);
  });

  it("an instance with another AUTH_SECRET is refused, named by variable and never by value", async () => {
    const db = testDatabase();
    await joinDeployment(db, await thisInstance(shared), start);
    const other = { ...shared, AUTH_SECRET: secret() };
    const refusal = joinDeployment(db, await thisInstance(other), later(1_000));
    await expect(refusal).rejects.toThrow(ConfigurationError);
    await expect(refusal).rejects.toThrow(/^AUTH_SECRET differs from the instance running on /);
    const message = await refusal.catch((error: Error) => error.message);
    expect(message).not.toContain(other.AUTH_SECRET);
    expect(message).not.toContain(shared.AUTH_SECRET);
    // Refused before it recorded itself.
    expect(await db.select().from(instances)).toHaveLength(1);
  });

  it("an instance with another encryption key is refused", async () => {
    const db = testDatabase();
    await joinDeployment(db, await thisInstance(shared), start);
    await expect(
      joinDeployment(db, await thisInstance({ ...shared, APP_ENCRYPTION_KEYS: [key()] }), later(1_000)),
    ).rejects.toThrow(/^APP_ENCRYPTION_KEY /);
  });

  it("an instance last seen more than 90 seconds ago is not compared; a refreshed one is", async () => {
    const db = testDatabase();
    const old = await thisInstance(shared);
    await joinDeployment(db, old, start);
    const other = { ...shared, AUTH_SECRET: secret() };
    await expect(joinDeployment(db, await thisInstance(other), later(PEER_WINDOW_MS + 1))).resolves.toBeDefined();

    const db2 = testDatabase();
    const alive = await thisInstance(shared);
    await joinDeployment(db2, alive, start);
    await touchInstance(db2, alive.id, later(PEER_WINDOW_MS));
    await expect(joinDeployment(db2, await thisInstance(other), later(PEER_WINDOW_MS + 1))).rejects.toThrow(
      /^AUTH_SECRET /,
    );
  });

  it("another build only warns", async () => {
    const db = testDatabase();
    await joinDeployment(db, { ...(await thisInstance(shared)), buildId: "older-build" }, start);
    const { buildWarning } = await joinDeployment(
      db,
      { ...(await thisInstance(shared)), buildId: "newer-build" },
      later(1),
    );
    expect(buildWarning).toContain("a form rendered by one build may fail when posted to another");
  });
});
