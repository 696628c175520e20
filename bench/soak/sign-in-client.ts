import http from "node:http";
import zlib from "node:zlib";
import { desc, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { outbox } from "@/db/schema";
import { sessionCookie } from "@/lib/auth/cookie-definitions";
import { formActionBody, actionHeaders, serverActionId } from "../server-actions";

/*
 * Server actions over keep-alive HTTP, reading the answer's body as well as
 * its headers (bench/http-client.ts keeps only headers): the soak must tell
 * "Twofold is busy" and a form error from a success, and read what an action
 * handed back (an enrolment's secret and recovery codes).
 */

export const SESSION_COOKIE = sessionCookie(false).name;
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

export type ActionAnswer = {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  sessionToken?: string;
  redirect?: string;
};

/**
 * Posts once, and once more only if a kept-alive socket turned out closed
 * before anything was answered (the server ends idle connections after a few
 * seconds; Node's documentation recommends exactly this retry, keyed on
 * `request.reusedSocket`): the server never saw that first attempt.
 */
export async function postAction(
  origin: string,
  page: string,
  actionId: string,
  fields: Record<string, string>,
  options: { cookie?: string; clientIp?: string } = {},
): Promise<ActionAnswer> {
  try {
    return await postOnce(origin, page, actionId, fields, options);
  } catch (error) {
    if (!(error as { reusedSocket?: boolean }).reusedSocket) throw error;
    return postOnce(origin, page, actionId, fields, options);
  }
}

function postOnce(
  origin: string,
  page: string,
  actionId: string,
  fields: Record<string, string>,
  options: { cookie?: string; clientIp?: string },
): Promise<ActionAnswer> {
  const { body, contentType } = formActionBody(fields);
  const headers: Record<string, string> = {
    ...actionHeaders(origin, actionId),
    "content-type": contentType,
    "content-length": String(body.length),
  };
  if (options.cookie) headers.cookie = options.cookie;
  if (options.clientIp) headers["x-forwarded-for"] = options.clientIp;
  return new Promise((resolve, reject) => {
    const request = http.request(`${origin}${page}`, { method: "POST", agent, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        let sessionToken: string | undefined;
        for (const cookie of response.headers["set-cookie"] ?? []) {
          const [pair] = cookie.split(";");
          const separator = pair!.indexOf("=");
          if (pair!.slice(0, separator) === SESSION_COOKIE && separator < pair!.length - 1)
            sessionToken = pair!.slice(separator + 1);
        }
        const redirect = String(response.headers["x-action-redirect"] ?? "").split(";")[0] || undefined;
        // Asked for gzip, as a browser does; read the text as the browser would.
        const raw = Buffer.concat(chunks);
        const encoding = response.headers["content-encoding"];
        let body: string;
        try {
          body = (
            encoding === "gzip" ? zlib.gunzipSync(raw) : encoding === "br" ? zlib.brotliDecompressSync(raw) : raw
          ).toString("utf8");
        } catch {
          body = raw.toString("utf8");
        }
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body, sessionToken, redirect });
      });
      response.on("error", reject);
    });
    request.setTimeout(120_000, () => request.destroy(new Error("no answer within 120 s")));
    request.on("error", (error: NodeJS.ErrnoException) => {
      const stale = request.reusedSocket && (error.code === "ECONNRESET" || error.code === "EPIPE");
      reject(Object.assign(error, { reusedSocket: stale }));
    });
    request.end(body);
  });
}

type SoakActions = { password: string; code: string; startEnrolment: string; confirmEnrolment: string };
let cachedActions: SoakActions | undefined;

/** Every action the soak drives, by the build's ids (read from the manifest once). */
export function soakActions(): SoakActions {
  return (cachedActions ??= {
    password: serverActionId("app/(auth)/login/actions.ts", "signInAction"),
    code: serverActionId("app/(auth)/login/two-factor/actions.ts", "verifySecondFactorAction"),
    startEnrolment: serverActionId("app/(app)/profile/two-factor-actions.ts", "startEnrolmentAction"),
    confirmEnrolment: serverActionId("app/(app)/profile/two-factor-actions.ts", "confirmEnrolmentAction"),
  });
}

/** "Twofold is busy. Try again in N seconds." in a form state, or a 503 with Retry-After from proxy.ts. */
export function busyRetryAfter(answer: ActionAnswer): number | null {
  if (answer.status === 503) return Number(answer.headers["retry-after"]) || 1;
  const match = /Twofold is busy\. Try again in (\d+) second/.exec(answer.body);
  return match ? Number(match[1]) : null;
}

/** The six-digit code of the newest email to `to`, as a user would read it (see e2e/fixtures.ts codeIn). */
export async function newestCodeFor(db: Db, to: string, afterId = 0): Promise<{ code: string; id: number } | null> {
  const messages = await db.select().from(outbox).where(eq(outbox.to, to)).orderBy(desc(outbox.id)).limit(5);
  for (const message of messages) {
    if (message.id <= afterId) break;
    const code = (/^\s*(\d{6})\s*$/m.exec(message.body) ?? /^(\d{6}) is /.exec(message.body))?.[1];
    if (code) return { code, id: message.id };
  }
  return null;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
