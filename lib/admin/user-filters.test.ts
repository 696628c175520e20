import { beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { SqliteDb } from "@/db";
import { groupMembers, groupRoles, groups, organisations, roles, totpCredentials, userRoles } from "@/db/schema";
import { countUsers, listUsers } from "@/lib/admin/user-directory";
import { parseUserFilters, userFilterWhere } from "@/lib/admin/user-filters";
import { insertUser, testDatabase } from "@/test/db";

const DAY = 24 * 60 * 60 * 1000;
const now = new Date("2026-11-29T12:00:00Z");

describe("users list filters", () => {
  let db: SqliteDb;
  let organisationId: number;
  let strictRole: number;
  let strictGroup: number;
  let otherOrganisationRole: number;

  beforeEach(async () => {
    db = testDatabase();
    organisationId = (
      await db.insert(organisations).values({ name: "Acme", twoFactorGraceDays: 7, allowCode: false }).returning()
    )[0]!.id;
    const otherOrganisation = (await db.insert(organisations).values({ name: "Other" }).returning())[0]!.id;
    otherOrganisationRole = (
      await db.insert(roles).values({ organisationId: otherOrganisation, name: "Theirs" }).returning()
    )[0]!.id;
    strictRole = (
      await db.insert(roles).values({ organisationId, name: "Strict", requireTwoFactor: true }).returning()
    )[0]!.id;
    strictGroup = (await db.insert(groups).values({ organisationId, name: "Finance" }).returning())[0]!.id;
    await db.insert(groupRoles).values({ groupId: strictGroup, roleId: strictRole });

    const user = (name: string, columns: Parameters<typeof insertUser>[1] = {}) =>
      insertUser(db, { organisationId, name, email: `${name.toLowerCase()}@acme.test`, ...columns });
    const alice = await user("Alice", { lastSignInAt: new Date("2026-01-01T00:00:00Z") });
    await db.insert(totpCredentials).values({ userId: alice.id, secretEncrypted: "x", confirmedAt: now });
    await user("Bob", { codesEnabledAt: now, lastSignInAt: new Date("2026-06-01T00:00:00Z") });
    const carol = await user("Carol", { twoFactorRequiredSince: new Date(now.getTime() - 2 * DAY) });
    await db.insert(userRoles).values({ userId: carol.id, roleId: strictRole });
    await user("Dave", {
      twoFactorRequirement: "required",
      twoFactorRequiredSince: new Date(now.getTime() - 10 * DAY),
    });
    await user("Erin");
    await user("Api", { isApiAccount: true });
    await user("Sso", { ssoSubject: "sso-1" });
    const frank = await user("Frank", { twoFactorRequiredSince: new Date(now.getTime() - 6 * DAY) });
    await db.insert(groupMembers).values({ groupId: strictGroup, userId: frank.id });
  });

  async function names(raw: Record<string, string>, q = ""): Promise<string[]> {
    const parsed = parseUserFilters(raw);
    expect(parsed.errors).toEqual({});
    const result = await userFilterWhere(db, organisationId, parsed.filters, now);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const { rows } = await listUsers(
      db,
      organisationId,
      { q, sort: "name", direction: "asc", page: 1, filter: result.where },
      now,
    );
    expect(await countUsers(db, organisationId, { q, filter: result.where })).toBe(rows.length);
    return rows.map((row) => row.name);
  }

  it("each state is its own people, and together they are everyone", async () => {
    // Codes are not allowed here: Bob's codes do not protect him (see the next test for an organisation allowing them).
    expect(await names({ state: "protected" })).toEqual(["Alice"]);
    expect(await names({ state: "in_grace" })).toEqual(["Carol", "Frank"]);
    expect(await names({ state: "past_grace" })).toEqual(["Dave"]);
    expect(await names({ state: "optional_without" })).toEqual(["Bob", "Erin"]);
    expect(await names({ state: "exempt" })).toEqual(["Api", "Sso"]);
    expect(await names({})).toEqual(["Alice", "Api", "Bob", "Carol", "Dave", "Erin", "Frank", "Sso"]);
  });

  it("where codes are allowed, people required without a factor of their own are protected by emailed codes, as the overview counts them", async () => {
    await db.update(organisations).set({ allowCode: true }).where(eq(organisations.id, organisationId));
    expect(await names({ state: "protected" })).toEqual(["Alice", "Bob", "Carol", "Dave", "Frank"]);
    expect(await names({ method: "code" })).toEqual(["Bob", "Carol", "Dave", "Frank"]);
    expect(await names({ state: "in_grace" })).toEqual([]);
    expect(await names({ state: "optional_without" })).toEqual(["Erin"]);
  });

  it("filters by method, per-user requirement, role (direct or through a group) and group", async () => {
    expect(await names({ method: "totp" })).toEqual(["Alice"]);
    expect(await names({ method: "code" })).toEqual([]);
    expect(await names({ method: "duo" })).toEqual([]);
    expect(await names({ requirement: "required" })).toEqual(["Dave"]);
    expect(await names({ role: String(strictRole) })).toEqual(["Carol", "Frank"]);
    expect(await names({ group: String(strictGroup) })).toEqual(["Frank"]);
  });

  it("finds whose grace ends within N days, and who last signed in before a day (or never)", async () => {
    expect(await names({ graceWithinDays: "0" })).toEqual([]);
    expect(await names({ graceWithinDays: "3" })).toEqual(["Frank"]);
    expect(await names({ graceWithinDays: "5" })).toEqual(["Carol", "Frank"]);
    expect(await names({ lastSignInBefore: "2026-03-01" })).toEqual([
      "Alice",
      "Api",
      "Carol",
      "Dave",
      "Erin",
      "Frank",
      "Sso",
    ]);
  });

  it("combines with each other and with the search", async () => {
    expect(await names({ state: "in_grace", group: String(strictGroup) })).toEqual(["Frank"]);
    expect(await names({ state: "in_grace" }, "car")).toEqual(["Carol"]);
    expect(await names({ state: "optional_without" }, "b")).toEqual(["Bob"]);
  });

  it("names each value it cannot use instead of failing", () => {
    expect(
      parseUserFilters({
        state: "everyone",
        method: "pigeon",
        requirement: "maybe",
        role: "abc",
        group: "-1",
        graceWithinDays: "1.5",
        lastSignInBefore: "2026-02-30",
      }).errors,
    ).toEqual({
      state: "Choose one of the listed states.",
      method: "Choose one of the listed methods.",
      requirement: "Choose one of the listed requirements.",
      role: "Choose a role of your organisation.",
      group: "Choose a group of your organisation.",
      graceWithinDays: "Enter a whole number of days from 0 to 3650.",
      lastSignInBefore: "Enter a date as YYYY-MM-DD.",
    });
  });

  it("refuses another organisation's role, as if it did not exist", async () => {
    expect(await userFilterWhere(db, organisationId, { role: otherOrganisationRole }, now)).toEqual({
      ok: false,
      errors: { role: "Choose a role of your organisation." },
    });
    expect(await userFilterWhere(db, organisationId, { group: 999_999 }, now)).toEqual({
      ok: false,
      errors: { group: "Choose a group of your organisation." },
    });
  });

  it("reads an export's batches by id after id, with the filters, whatever the sort", async () => {
    const result = await userFilterWhere(db, organisationId, { state: "in_grace" }, now);
    if (!result.ok) throw new Error("filters refused");
    const batch = async (afterId: number) =>
      listUsers(
        db,
        organisationId,
        { q: "", sort: "name", direction: "desc", page: 7, pageSize: 1, filter: result.where, afterId },
        now,
      );
    const first = await batch(0);
    expect(first.rows.map((row) => row.name)).toEqual(["Carol"]);
    expect(first.hasMore).toBe(true);
    const second = await batch(first.rows[0]!.id);
    expect(second.rows.map((row) => row.name)).toEqual(["Frank"]);
    expect(second.hasMore).toBe(false);
  });
  it("stops counting a filter's matches past the cap (shown as more than it), and counts the unfiltered list exactly", async () => {
    const result = await userFilterWhere(db, organisationId, { lastSignInBefore: "2030-01-01" }, now);
    if (!result.ok) throw new Error("filters refused");
    expect(await countUsers(db, organisationId, { q: "", filter: result.where })).toBe(8);
    // Eight match: a cap of 3 counts 4 and stops, "more than 3"; at 8 and above the count is exact.
    expect(await countUsers(db, organisationId, { q: "", filter: result.where }, 3)).toBe(4);
    expect(await countUsers(db, organisationId, { q: "", filter: result.where }, 8)).toBe(8);
    expect(await countUsers(db, organisationId, { q: "a", filter: result.where }, 1)).toBe(2);
    expect(await countUsers(db, organisationId, { q: "" }, 3)).toBe(8);
  });

  it("counts a search alone by name and by email, each person once, stopping past the cap", async () => {
    // Named with one prefix, mailed at another, and both: "zed" finds all three, Zelda once.
    await insertUser(db, { organisationId, name: "Zed Name", email: "plain-1@acme.test" });
    await insertUser(db, { organisationId, name: "Plain", email: "zed-mail@acme.test" });
    await insertUser(db, { organisationId, name: "Zed Both", email: "zed-both@acme.test" });
    await insertUser(db, { name: "Zed Elsewhere", email: "zed-elsewhere@other.test" });
    expect(await countUsers(db, organisationId, { q: "zed" })).toBe(3);
    expect(await countUsers(db, organisationId, { q: "ZED-M" })).toBe(1);
    expect(await countUsers(db, organisationId, { q: "zed" }, 2)).toBe(3);
    expect(await countUsers(db, organisationId, { q: "zed" }, 1)).toBe(2);
    const page = await listUsers(db, organisationId, { q: "zed", sort: "name", direction: "asc", page: 1 }, now);
    expect(page.rows.map((row) => row.name)).toEqual(["Plain", "Zed Both", "Zed Name"]);
  });

  it("reads export batches in id order from an organisation among others, none of theirs included", async () => {
    const other = await insertUser(db, { name: "Outsider" });
    await insertUser(db, { organisationId: other.organisationId, name: "Outsider 2" });
    await insertUser(db, { organisationId, name: "Last", email: "last@acme.test" });
    const ids: number[] = [];
    let afterId = 0;
    for (;;) {
      const page = await listUsers(
        db,
        organisationId,
        { q: "", sort: "name", direction: "asc", page: 1, pageSize: 3, afterId },
        now,
      );
      ids.push(...page.rows.map((row) => row.id));
      if (!page.hasMore) break;
      afterId = page.rows.at(-1)!.id;
    }
    expect(ids).toHaveLength(9);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
  });
});
