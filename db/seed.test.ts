import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { organisations, PERMISSIONS, roles, users } from "@/db/schema";
import { seedDemoOrganisation } from "@/db/seed";
import { signInWithPassword } from "@/lib/auth/password-sign-in";
import { userHasPermission } from "@/lib/auth/permissions";
import { ADMINISTRATOR_ROLE_NAME } from "@/lib/organisations/create-organisation";
import { stageAfterPassword } from "@/lib/two-factor/sign-in/stage-after-password";
import { twoFactorStateOfUser } from "@/lib/two-factor/policy/user-state";
import { testDatabase } from "@/test/db";

describe("demo seed", () => {
  it("creates Acme once, with logins that work", async () => {
    const db = testDatabase();
    const logins = await seedDemoOrganisation(db);
    expect(logins?.map((login) => login.email)).toContain("admin@acme.test");
    expect(await seedDemoOrganisation(db)).toBeNull();
    expect(await db.select().from(organisations)).toHaveLength(1);
    expect(await db.select().from(users)).toHaveLength(logins!.length);

    const admin = logins!.find((login) => login.email === "admin@acme.test")!;
    const result = await signInWithPassword(db, {
      email: admin.email,
      password: admin.password,
      context: { ip: null, userAgent: null },
    });
    if (!result.ok) throw new Error(`seeded admin could not sign in: ${result.reason}`);
    expect(await userHasPermission(db, result.user.id, "settings:manage")).toBe(true);
  });

  it("gives group members the group's roles, and no one a stored plain password", async () => {
    const db = testDatabase();
    const logins = (await seedDemoOrganisation(db))!;
    const alice = (await db.select().from(users)).find((user) => user.email === "alice@acme.test")!;
    expect(await userHasPermission(db, alice.id, "settings:manage")).toBe(false);
    const dump = JSON.stringify(await db.select().from(users));
    for (const login of logins) expect(dump).not.toContain(login.password);
  });

  it("requires 2FA of the demo Administrator, as of every organisation's built-in Administrator role, and keeps the other demo roles as they were", async () => {
    const db = testDatabase();
    await seedDemoOrganisation(db);
    const acme = (await db.select().from(organisations))[0]!;
    const demoRoles = await db.select().from(roles).where(eq(roles.organisationId, acme.id)).orderBy(roles.id);
    expect(demoRoles.map((role) => [role.name, role.requireTwoFactor])).toEqual([
      ["Administrator", true],
      ["Auditor", false],
      ["Engineer", true],
      ["Member", false],
    ]);
    const administrator = (
      await db
        .select()
        .from(roles)
        .where(and(eq(roles.organisationId, acme.id), eq(roles.name, ADMINISTRATOR_ROLE_NAME)))
    )[0]!;
    expect(administrator.permissions).toEqual([...PERMISSIONS]);

    const ada = (await db.select().from(users).where(eq(users.email, "admin@acme.test")))[0]!;
    const state = await twoFactorStateOfUser(db, ada.id);
    expect(state.requirement.level).toBe("required");
    // With the organisation's default settings, she is emailed a code after her password, without setup.
    expect(state.methods).toEqual(["code"]);
    expect((await stageAfterPassword(db, ada.id, null)).stage).toBe("password");
    // The demo keeps setup on screen (new organisations start with the emailed link).
    expect(acme.requiredSetupFlow).toBe("on_screen");
  });
});
