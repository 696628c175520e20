import { eq } from "drizzle-orm";
import { NextRequest } from "next/server";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type * as DbModule from "@/db";
import type { Db } from "@/db";
import { auditEvents, organisations, roles, userRoles, users, type Permission } from "@/db/schema";
import { createApiToken, revokeApiToken } from "@/lib/api/tokens";
import { insertUser, testDatabase } from "@/test/db";

/*
 * /api/v1/users and /api/v1/audit as a client and as an attacker see them:
 * the route handlers themselves, with their token guard, on a test database.
 */

let db: Db;
vi.mock("@/db", async (original) => ({ ...(await original<typeof DbModule>()), getDb: () => db }));

const usersRoute = await import("@/app/api/v1/users/route");
const auditRoute = await import("@/app/api/v1/audit/route");

type Json = Record<string, unknown>;
type Answer = { status: number; body: Json };

async function call(route: { GET: (request: NextRequest) => Promise<Response> }, path: string, token: string) {
  const response = await route.GET(
    new NextRequest(`http://localhost${path}`, { headers: { authorization: `Bearer ${token}` } }),
  );
  return { status: response.status, body: (await response.json()) as Json } satisfies Answer;
}
const getUsers = (query: string, token: string) => call(usersRoute, `/api/v1/users${query}`, token);
const getAudit = (query: string, token: string) => call(auditRoute, `/api/v1/audit${query}`, token);

function expectInvalid(answer: Answer, parameter: string): string {
  expect(answer.status, JSON.stringify(answer.body)).toBe(400);
  const error = answer.body.error as { code: string; message: string; parameter: string };
  expect(error).toMatchObject({ code: "invalid_parameter", parameter });
  expect(error.message).toContain(`"${parameter}"`);
  return error.message;
}

/** An organisation with an API account holding `permissions` through a role, and its token. */
async function organisation(name: string, permissions: Permission[]) {
  const organisationId = (await db.insert(organisations).values({ name }).returning())[0]!.id;
  const robot = await insertUser(db, { organisationId, name: `${name} robot`, isApiAccount: true, passwordHash: null });
  const role = (await db.insert(roles).values({ organisationId, name: "API", permissions }).returning())[0]!.id;
  await db.insert(userRoles).values({ userId: robot.id, roleId: role });
  const token = await createApiToken(db, { userId: robot.id, name: "CI", createdByUserId: null });
  return { organisationId, robot, role, token: token.token, tokenId: token.id };
}

/** Follows next_cursor from `first` to the end; at most 10 pages. */
async function allPages(fetchPage: (query: string) => Promise<Answer>, first: string, sep = "&") {
  const pages: Json[] = [];
  let query = first;
  for (let i = 0; i < 10; i++) {
    const answer = await fetchPage(query);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    pages.push(answer.body);
    const next = answer.body.next_cursor as string | null;
    if (next === null) break;
    query = `${first}${sep}cursor=${encodeURIComponent(next)}`;
  }
  return pages;
}

const idsOf = (pages: Json[], key: "users" | "events") =>
  pages.map((page) => (page[key] as Array<{ id: number }>).map((row) => row.id));

describe("GET /api/v1/users", () => {
  let acme: Awaited<ReturnType<typeof organisation>>;
  let people: number[];
  beforeEach(async () => {
    db = testDatabase();
    acme = await organisation("Acme", ["users:read", "audit:read"]);
    people = [];
    for (const name of ["Ann", "Bob", "Cy", "Di"])
      people.push((await insertUser(db, { organisationId: acme.organisationId, name })).id);
  });

  it("pages through the organisation by cursor: 3 pages of 2, every user once, in id order", async () => {
    const pages = await allPages((query) => getUsers(query, acme.token), "?limit=2");
    expect(idsOf(pages, "users")).toEqual([[acme.robot.id, people[0]], people.slice(1, 3), [people[3]]]);
    expect(pages.map((page) => page.pagination)).toEqual([
      { page: 1, perPage: 2, hasMore: true, nextPage: 2 },
      { page: null, perPage: 2, hasMore: true, nextPage: null },
      { page: null, perPage: 2, hasMore: false, nextPage: null },
    ]);
    expect(pages.at(-1)!.next_cursor).toBeNull();
    // The cursor is a signed position: readable (base64url JSON), not changeable (forgery: below).
    // Its signature is random base64url, so the id's digits may well appear in it by chance.
    const [payload, signature] = (pages[0]!.next_cursor as string).split(".");
    expect(JSON.parse(Buffer.from(payload!, "base64url").toString("utf8"))[0]).toBe(people[0]);
    expect(signature).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it("keeps the older page and per_page answers, oldest first by creation time, with next_cursor null", async () => {
    // Created out of id order: pages follow creation time, as they always did.
    await db
      .update(users)
      .set({ createdAt: new Date("2020-01-01T00:00:00Z") })
      .where(eq(users.id, people[3]!));
    const second = await getUsers("?page=2&per_page=2", acme.token);
    expect(second.status).toBe(200);
    expect(second.body.pagination).toEqual({ page: 2, perPage: 2, hasMore: true, nextPage: 3 });
    expect(second.body.next_cursor).toBeNull();
    expect(idsOf([second.body], "users")).toEqual([[people[0], people[1]]]);
    const third = await getUsers("?page=3&per_page=2", acme.token);
    expect(idsOf([third.body], "users")).toEqual([[people[2]]]);
    expect(third.body.pagination).toEqual({ page: 3, perPage: 2, hasMore: false, nextPage: null });

    const whole = await getUsers("", acme.token);
    expect(whole.body.pagination).toEqual({ page: 1, perPage: 50, hasMore: false, nextPage: null });
    expect(whole.body.next_cursor).toBeNull();
    expect((whole.body.users as Json[]).find((user) => user.id === people[0])).toEqual({
      id: people[0],
      email: expect.any(String),
      name: "Ann",
      isApiAccount: false,
      disabled: false,
      twoFactor: { requirement: "optional", enabled: false, methods: [] },
      lastSignInAt: null,
    });
    expect(JSON.stringify(whole.body)).not.toMatch(/password|hash|secret/i);
  });

  it("narrows by the /admin/users filters, and pages within them", async () => {
    await db.update(users).set({ twoFactorRequirement: "required" }).where(eq(users.name, "Bob"));
    await db.update(users).set({ twoFactorRequirement: "required" }).where(eq(users.name, "Cy"));
    await db.update(users).set({ twoFactorRequirement: "required" }).where(eq(users.name, "Di"));
    const required = await allPages((query) => getUsers(query, acme.token), "?requirement=required&limit=2");
    expect(idsOf(required, "users")).toEqual([people.slice(1, 3), [people[3]]]);

    await db
      .update(users)
      .set({ lastSignInAt: new Date("2026-03-01T00:00:00Z") })
      .where(eq(users.name, "Ann"));
    await db
      .update(users)
      .set({ lastSignInAt: new Date("2026-06-01T00:00:00Z") })
      .where(eq(users.name, "Bob"));
    const stale = await getUsers("?lastSignInBefore=2026-04-01&requirement=required", acme.token);
    expect(idsOf([stale.body], "users")).toEqual([[people[2], people[3]]]);

    const readers = (
      await db.insert(roles).values({ organisationId: acme.organisationId, name: "Readers" }).returning()
    )[0]!.id;
    await db.insert(userRoles).values({ userId: people[0]!, roleId: readers });
    expect(idsOf([(await getUsers(`?role=${readers}`, acme.token)).body], "users")).toEqual([[people[0]]]);
    expect(idsOf([(await getUsers("?q=di", acme.token)).body], "users")).toEqual([[people[3]]]);
    expect(idsOf([(await getUsers("?state=exempt", acme.token)).body], "users")).toEqual([[acme.robot.id]]);
  });

  it("refuses a cursor of other filters, a garbled or forged one, and limits out of range, naming the parameter", async () => {
    const first = await getUsers("?requirement=default&limit=1", acme.token);
    const cursor = first.body.next_cursor as string;
    expect(expectInvalid(await getUsers(`?limit=1&cursor=${cursor}`, acme.token), "cursor")).toContain("other filters");
    expectInvalid(await getUsers(`?requirement=required&limit=1&cursor=${cursor}`, acme.token), "cursor");
    for (const bad of ["garbage", "", `${cursor}x`, `x${cursor}`, cursor.replace(".", ".A"), "MQ", "2"]) {
      expectInvalid(await getUsers(`?requirement=default&cursor=${encodeURIComponent(bad)}`, acme.token), "cursor");
    }
    // The id is not the client's to choose: a payload rewritten to another position fails its signature.
    const [payload, signature] = cursor.split(".");
    const position = JSON.parse(Buffer.from(payload!, "base64url").toString()) as [number, string];
    const rewritten = Buffer.from(JSON.stringify([0, position[1]])).toString("base64url");
    expectInvalid(await getUsers(`?requirement=default&cursor=${rewritten}.${signature}`, acme.token), "cursor");

    for (const limit of ["0", "1000", "201", "-1", "ten", ""])
      expectInvalid(await getUsers(`?limit=${limit}`, acme.token), "limit");
    expectInvalid(await getUsers(`?page=2&cursor=${cursor}`, acme.token), "cursor");
    expectInvalid(await getUsers("?per_page=2&limit=2", acme.token), "limit");
    expectInvalid(await getUsers("?per_page=101", acme.token), "per_page");
    expect(expectInvalid(await getUsers("?state=nobody", acme.token), "state")).toContain("in_grace");
    expectInvalid(await getUsers("?method=carrier-pigeon", acme.token), "method");
    expectInvalid(await getUsers("?graceWithinDays=-1", acme.token), "graceWithinDays");
    expectInvalid(await getUsers("?lastSignInBefore=2026-02-30", acme.token), "lastSignInBefore");
    expectInvalid(await getUsers("?role=abc", acme.token), "role");
  });

  it("shows another organisation nothing of this one: not its users, not its roles, not its cursors", async () => {
    const globex = await organisation("Globex", ["users:read"]);
    const outsider = await insertUser(db, { organisationId: globex.organisationId, name: "Eve" });
    const theirs = await getUsers("", globex.token);
    expect(idsOf([theirs.body], "users")).toEqual([[globex.robot.id, outsider.id]]);
    // Acme's role id is "no such role" to Globex, as an id that does not exist.
    expectInvalid(await getUsers(`?role=${acme.role}`, globex.token), "role");
    // Acme's cursor does not open Globex's list, though it is genuine.
    const acmeCursor = (await getUsers("?limit=1", acme.token)).body.next_cursor as string;
    expectInvalid(await getUsers(`?limit=1&cursor=${acmeCursor}`, globex.token), "cursor");
    // Nor does a users cursor open the audit log.
    expectInvalid(await getAudit(`?cursor=${acmeCursor}`, acme.token), "cursor");
  });

  it("needs users:read, read at each request; a revoked token or a former API account gets 401", async () => {
    const auditor = await organisation("Initech", ["audit:read"]);
    const refused = await getUsers("", auditor.token);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: "forbidden", message: expect.stringContaining("users:read") });

    expect((await getUsers("", acme.token)).status).toBe(200);
    await db.update(roles).set({ permissions: [] }).where(eq(roles.id, acme.role));
    expect((await getUsers("", acme.token)).status).toBe(403);
    await db
      .update(roles)
      .set({ permissions: ["users:read"] })
      .where(eq(roles.id, acme.role));

    await revokeApiToken(db, { userId: acme.robot.id, tokenId: acme.tokenId });
    const revoked = await getUsers("?limit=2", acme.token);
    expect(revoked.status).toBe(401);
    expect(revoked.body.error).toMatchObject({ code: "invalid_token" });

    const second = await createApiToken(db, { userId: acme.robot.id, name: "CI 2", createdByUserId: null });
    expect((await getUsers("", second.token)).status).toBe(200);
    // API accounts are tokens-only: once it is no longer an API account its tokens open nothing.
    await db.update(users).set({ isApiAccount: false }).where(eq(users.id, acme.robot.id));
    expect((await getUsers("", second.token)).status).toBe(401);
  });
});

describe("GET /api/v1/audit", () => {
  let acme: Awaited<ReturnType<typeof organisation>>;
  let ann: { id: number; email: string };
  let events: number[];
  beforeEach(async () => {
    db = testDatabase();
    acme = await organisation("Acme", ["audit:read"]);
    ann = await insertUser(db, { organisationId: acme.organisationId, name: "Ann" });
    events = [];
    const day = (n: number) => new Date(`2026-05-0${n}T12:00:00Z`);
    for (const [n, type] of [
      [1, "user.disabled"],
      [2, "sign_in.succeeded"],
      [3, "user.disabled"],
      [4, "role.updated"],
      [5, "user.disabled"],
    ] as const) {
      const row = await db
        .insert(auditEvents)
        .values({
          organisationId: acme.organisationId,
          type,
          actorUserId: acme.robot.id,
          targetUserId: ann.id,
          ip: "192.0.2.1",
          userAgent: "curl/8",
          details: { reason: `event ${n}` },
          createdAt: day(n),
        })
        .returning();
      events.push(row[0]!.id);
    }
  });

  it("pages through the log newest first by cursor: 3 pages of 2, every event once", async () => {
    const pages = await allPages((query) => getAudit(query, acme.token), "?limit=2");
    expect(idsOf(pages, "events")).toEqual([[events[4], events[3]], [events[2], events[1]], [events[0]]]);
    expect(pages.at(-1)!.next_cursor).toBeNull();
    // Exactly the CSV export's columns, nothing of the people but their addresses.
    expect((pages[0]!.events as Json[])[0]).toEqual({
      id: events[4],
      occurredAt: "2026-05-05T12:00:00.000Z",
      type: "user.disabled",
      label: expect.any(String),
      actorEmail: acme.robot.email,
      targetEmail: ann.email,
      ip: "192.0.2.1",
      userAgent: "curl/8",
      details: { reason: "event 5" },
    });
  });

  it("narrows by the /admin/audit filters (type, area, dates in UTC, user), and pages within them", async () => {
    const disabled = await allPages((query) => getAudit(query, acme.token), "?type=user.disabled&limit=2");
    expect(idsOf(disabled, "events")).toEqual([[events[4], events[2]], [events[0]]]);
    const dated = await getAudit("?from=2026-05-02&to=2026-05-04", acme.token);
    expect(idsOf([dated.body], "events")).toEqual([[events[3], events[2], events[1]]]);
    const roles = await getAudit("?area=roles-groups", acme.token);
    expect(idsOf([roles.body], "events")).toEqual([[events[3]]]);
    const nobody = await getAudit("?user=nobody-by-that-name", acme.token);
    expect(idsOf([nobody.body], "events")).toEqual([[]]);
    // The page's own `before` is not an API parameter: only the cursor moves on.
    const before = await getAudit(`?before=${events[2]}`, acme.token);
    expect(idsOf([before.body], "events")[0]).toHaveLength(5);
  });

  it("refuses a cursor of other filters, a garbled one, unknown types and areas, bad dates and limits", async () => {
    const cursor = (await getAudit("?type=user.disabled&limit=1", acme.token)).body.next_cursor as string;
    expect(expectInvalid(await getAudit(`?limit=1&cursor=${cursor}`, acme.token), "cursor")).toContain("other filters");
    expectInvalid(await getAudit(`?type=user.disabled&cursor=${cursor}zz`, acme.token), "cursor");
    expectInvalid(await getAudit("?cursor=MTIz", acme.token), "cursor");
    // Unknown values are refused, not dropped: dropping the only type would answer with every event.
    expectInvalid(await getAudit("?type=user.deleted.forever", acme.token), "type");
    expectInvalid(await getAudit("?area=everything", acme.token), "area");
    expectInvalid(await getAudit("?from=yesterday", acme.token), "from");
    expectInvalid(await getAudit("?to=2026-13-01", acme.token), "to");
    expectInvalid(await getAudit("?userId=-4", acme.token), "userId");
    // Past PostgreSQL's integer: a 400 naming it, not a 500 from the query.
    expectInvalid(await getAudit("?userId=2147483648", acme.token), "userId");
    for (const limit of ["0", "1000"]) expectInvalid(await getAudit(`?limit=${limit}`, acme.token), "limit");
  });

  it("needs audit:read, read at each request, and shows another organisation nothing of this one", async () => {
    const reader = await organisation("Initech", ["users:read"]);
    const refused = await getAudit("", reader.token);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: "forbidden", message: expect.stringContaining("audit:read") });

    const globex = await organisation("Globex", ["audit:read"]);
    // An event of Globex that names an Acme user: Globex sees the event, not Acme's address.
    const own = await db
      .insert(auditEvents)
      .values({ organisationId: globex.organisationId, type: "user.disabled", targetUserId: ann.id })
      .returning();
    const theirs = await getAudit("", globex.token);
    expect(theirs.body.events).toEqual([expect.objectContaining({ id: own[0]!.id, targetEmail: null })]);
    expect(JSON.stringify(theirs.body)).not.toContain(ann.email);
    // Acme's user id matches nothing of Globex's; Acme's cursor does not open Globex's log.
    expect(idsOf([(await getAudit(`?userId=${ann.id}`, globex.token)).body], "events")).toEqual([[]]);
    const acmeCursor = (await getAudit("?limit=1", acme.token)).body.next_cursor as string;
    expectInvalid(await getAudit(`?limit=1&cursor=${acmeCursor}`, globex.token), "cursor");
    // And Acme never sees Globex's event.
    const acmeAll = await getAudit("?limit=200", acme.token);
    expect(idsOf([acmeAll.body], "events")[0]).not.toContain(own[0]!.id);

    await db.update(roles).set({ permissions: [] }).where(eq(roles.id, acme.role));
    expect((await getAudit("", acme.token)).status).toBe(403);
    await revokeApiToken(db, { userId: acme.robot.id, tokenId: acme.tokenId });
    expect((await getAudit("", acme.token)).status).toBe(401);
  });
});
