import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { groupMembers, groupRoles, groups, organisations, roles, userRoles, users, type Permission } from "@/db/schema";
import { hashPassword } from "@/lib/auth/passwords";
import { randomToken } from "@/lib/crypto";
import { ADMINISTRATOR_ROLE_NAME, createOrganisation } from "@/lib/organisations/create-organisation";

export const DEMO_ORGANISATION_NAME = "Acme";

export type DemoLogin = { name: string; email: string; password: string; note: string };

/** Besides the built-in Administrator role, which every organisation gets (and which requires 2FA). */
const DEMO_ROLES: Array<{ name: string; permissions: Permission[]; requireTwoFactor: boolean }> = [
  { name: "Auditor", permissions: ["users:read", "audit:read"], requireTwoFactor: false },
  { name: "Engineer", permissions: [], requireTwoFactor: true },
  { name: "Member", permissions: [], requireTwoFactor: false },
];

const DEMO_USERS = [
  {
    name: "Ada Admin",
    email: "admin@acme.test",
    role: ADMINISTRATOR_ROLE_NAME,
    note: "administrator, whose role requires 2FA",
  },
  { name: "Ben Auditor", email: "auditor@acme.test", role: "Auditor", note: "reads users and the audit log" },
  {
    name: "Alice Engineer",
    email: "alice@acme.test",
    group: "Engineering",
    note: "in Engineering, whose role requires 2FA",
  },
  { name: "Bob Member", email: "bob@acme.test", role: "Member", note: "ordinary member" },
] as const;

/**
 * Creates the demo organisation with its roles, group and users, unless it
 * already exists. Returns the logins it created (passwords are random and
 * shown only this once), or null when there was nothing to do.
 */
export async function seedDemoOrganisation(db: Db): Promise<DemoLogin[] | null> {
  const existing = (
    await db.select({ id: organisations.id }).from(organisations).where(eq(organisations.name, DEMO_ORGANISATION_NAME))
  )[0];
  if (existing) return null;

  const logins = await Promise.all(
    DEMO_USERS.map(async (user) => {
      const password = randomToken(12);
      return { ...user, password, passwordHash: await hashPassword(password) };
    }),
  );

  await db.transaction(async (tx) => {
    // The demo shows setup on screen, right after the password: quicker to try out. New organisations start with the emailed link.
    const { organisation, administratorRoleId } = await createOrganisation(tx, DEMO_ORGANISATION_NAME, {
      requiredSetupFlow: "on_screen",
    });
    const roleIds = new Map([[ADMINISTRATOR_ROLE_NAME, administratorRoleId]]);
    for (const role of DEMO_ROLES) {
      const [created] = await tx
        .insert(roles)
        .values({ ...role, organisationId: organisation.id })
        .returning();
      roleIds.set(role.name, created!.id);
    }
    const engineering = (
      await tx.insert(groups).values({ organisationId: organisation.id, name: "Engineering" }).returning()
    )[0]!;
    await tx.insert(groupRoles).values({ groupId: engineering.id, roleId: roleIds.get("Engineer")! });

    for (const login of logins) {
      const user = (
        await tx
          .insert(users)
          .values({
            organisationId: organisation.id,
            email: login.email,
            name: login.name,
            passwordHash: login.passwordHash,
            passwordChangedAt: new Date(),
          })
          .returning()
      )[0]!;
      if ("role" in login) await tx.insert(userRoles).values({ userId: user.id, roleId: roleIds.get(login.role)! });
      if ("group" in login) await tx.insert(groupMembers).values({ groupId: engineering.id, userId: user.id });
    }
  });

  return logins.map(({ name, email, password, note }) => ({ name, email, password, note }));
}

export function formatDemoLogins(logins: DemoLogin[]): string {
  const width = Math.max(...logins.map((login) => login.email.length));
  const lines = logins.map(
    (login) => `  ${login.email.padEnd(width)}  ${login.password}   ${login.name}, ${login.note}`,
  );
  return [
    "",
    `Demo organisation "${DEMO_ORGANISATION_NAME}" created. Its logins (shown only this once):`,
    ...lines,
    "Run `npm run db:reset` to start over with new passwords.",
    "",
  ].join("\n");
}
