import { eq } from "drizzle-orm";
import { request as playwrightRequest } from "@playwright/test";
import { users } from "@/db/schema";
import { createSession } from "@/lib/auth/sessions";
import { sessionCookie } from "@/lib/auth/cookie-definitions";
import { expect, test } from "./fixtures";
import { allServerActions } from "./manifests";

/*
 * Cases `npm run soak` found answered with a 500 by Next.js itself: a
 * server-action post from another site (or a forged X-Forwarded-Host, or a
 * malformed Origin), and one with a body over the 1 MB action limit.
 * proxy.ts refuses them first (lib/server-action-request.ts).
 */

const profileAction = () => allServerActions().find((action) => action.name === "updateProfileAction")!;

function profileBody(name: string) {
  const boundary = "----soakcase";
  const parts = [
    ["_1_name", name],
    ["0", JSON.stringify([{ status: "idle" }, "$K1"])],
  ];
  const text = parts
    .map(([field, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${field}"\r\n\r\n${value}\r\n`)
    .join("");
  return { body: Buffer.from(`${text}--${boundary}--\r\n`), contentType: `multipart/form-data; boundary=${boundary}` };
}

test("a server action posted from another site, forged host or not, is refused with a 403 and changes nothing", async ({
  db,
  baseURL,
  createUser,
}) => {
  const user = await createUser();
  const { token } = await createSession(db, {
    userId: user.id,
    stage: "active",
    context: { ip: null, userAgent: null },
  });
  const context = await playwrightRequest.newContext({ baseURL });
  const action = profileAction();
  const { body, contentType } = profileBody("Renamed Cross-Site");
  const crossSite: Array<Record<string, string>> = [
    { origin: "https://evil.example" },
    { origin: "null" },
    { origin: "https://a.example, https://b.example" },
    // A forged X-Forwarded-Host matching a forged Origin: proxy.ts hands Next.js APP_URL's host, so the two no longer agree.
    { origin: "https://evil.example", "x-forwarded-host": "evil.example" },
  ];
  for (const headers of crossSite) {
    const response = await context.post("/profile", {
      headers: {
        cookie: `${sessionCookie(false).name}=${token}`,
        "next-action": action.id,
        accept: "text/x-component",
        "content-type": contentType,
        ...headers,
      },
      data: body,
      maxRedirects: 0,
    });
    expect(response.status(), JSON.stringify(headers)).toBe(403);
  }
  expect((await db.select().from(users).where(eq(users.id, user.id)))[0]!.name).toBe(user.name);
  // The same post from the app's own origin goes through: the origin made the difference (a client's X-Forwarded-Host is ignored).
  const own = await context.post("/profile", {
    headers: {
      cookie: `${sessionCookie(false).name}=${token}`,
      "next-action": action.id,
      accept: "text/x-component",
      "content-type": contentType,
      origin: baseURL!,
      "x-forwarded-host": "evil.example",
    },
    data: body,
    maxRedirects: 0,
  });
  expect(own.status()).toBe(200);
  expect((await db.select().from(users).where(eq(users.id, user.id)))[0]!.name).toBe("Renamed Cross-Site");
  await context.dispose();
});
