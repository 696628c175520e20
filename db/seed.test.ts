import { describe, expect, it } from "vitest";
import { organisations, users } from "@/db/schema";
import { seedDemoOrganisation } from "@/db/seed";
import { signInWithPassword } from "@/lib/auth/password-sign-in";
import { userHasPermission } from "@/lib/auth/permissions";
import { testDatabase } from "@/test/db";

describe("demo seed", () => {
  it("creates Acme once, with logins that work", async () => {
    const db = testDatabase();
    const logins = await seedDemoOrganisation(db);
    expect(logins?.map((login) => login.email)).toContain("admin@acme.test");
    expect(await seedDemoOrganisation(db)).toBeNull();
    expect(db.select().from(organisations).all()).toHaveLength(1);
    expect(db.select().from(users).all()).toHaveLength(logins!.length);

    const admin = logins!.find((login) => login.email === "admin@acme.test")!;
    const result = await signInWithPassword(db, { email: admin.email, password: admin.password, context: { ip: null, userAgent: null } });
    if (!result.ok) throw new Error(`seeded admin could not sign in: ${result.reason}`);
    expect(userHasPermission(db, result.user.id, "settings:manage")).toBe(true);
  });

  it("gives group members the group's roles, and no one a stored plain password", async () => {
    const db = testDatabase();
    const logins = (await seedDemoOrganisation(db))!;
    const alice = db.select().from(users).all().find((user) => user.email === "alice@acme.test")!;
    expect(userHasPermission(db, alice.id, "settings:manage")).toBe(false);
    const dump = JSON.stringify(db.select().from(users).all());
    for (const login of logins) expect(dump).not.toContain(login.password);
  });
});
