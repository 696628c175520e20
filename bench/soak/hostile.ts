import fs from "node:fs";
import path from "node:path";
import type { Db } from "@/db";
import { sessionCookie } from "@/lib/auth/cookie-definitions";
import { bodyLimitFor } from "@/lib/body-limit";
import { createSession } from "@/lib/auth/sessions";
import { hashToken } from "@/lib/crypto";
import type { SessionStage } from "@/db/schema";
import { totpCodeAt } from "@/lib/two-factor/authenticator-app/totp";
import { allPages, allServerActions, type ServerAction } from "../../e2e/manifests";
import {
  fc,
  fieldPlan,
  hostileCookie,
  hostileHeaders,
  hostileJson,
  hostileMethod,
  hostilePathTail,
  hostileRouteBody,
  hostileString,
  sampleOf,
  type FieldPlan,
} from "./arbitraries";
import { formActionParts, multipart, noScriptForm, type Part } from "./bodies";
import { curlOf, sendRaw, type RawRequest } from "./raw-http";
import { SOAK_PASSWORD, type HostileSeed } from "./seed";

/*
 * Phase 1: every server action, route handler and page, from sessions at
 * every stage that reaches them, with generated hostile input. Each request
 * is generated from (seed, index) alone, so any one can be rebuilt and replayed.
 */

const SESSION_COOKIE = sessionCookie(false).name;

/**
 * The form fields of the app: every `name="…"` of its forms and every key of
 * its actions' zod schemas (read from app/ and lib/ when this list was made;
 * `fieldsOfAction` keeps those an action's own files mention).
 */
export const FIELD_NAMES = [
  "accountFailureLimit",
  "actor",
  "allowCode",
  "allowDuo",
  "allowTotp",
  "apiAccount",
  "auditRetentionDays",
  "browser",
  "code",
  "codeDelivery",
  "confirm",
  "confirmPassword",
  "currentPassword",
  "direction",
  "disabled",
  "duoApiHostname",
  "duoBypassAtSignIn",
  "duoIntegrationKey",
  "duoSecretKey",
  "email",
  "failureWindowMinutes",
  "from",
  "group",
  "key",
  "method",
  "mobileNumber",
  "name",
  "newPassword",
  "next",
  "organisation",
  "password",
  "passwordFailureLimit",
  "preset",
  "q",
  "reason",
  "remember",
  "request",
  "requiredSetupFlow",
  "requireTwoFactor",
  "requirement",
  "role",
  "secondFactorFailureLimit",
  "secondFactorLockoutLimit",
  "session",
  "sessionDurationDays",
  "sessionIdleMinutes",
  "signInAlerts",
  "sort",
  "to",
  "token",
  "twoFactorEnabled",
  "twoFactorGraceDays",
  "twoFactorPolicy",
  "twoFactorWasEnabled",
  "type",
  "user",
  "username",
  "users:read",
  "users:manage",
  "roles:manage",
  "settings:manage",
  "audit:read",
];

/** Fields an action reads: the known field names its own file, or its page's folder, mentions. */
function fieldsOfAction(action: ServerAction): string[] {
  const sources = [action.file];
  const folder = path.dirname(action.file);
  for (const entry of fs.readdirSync(folder))
    if (/\.(tsx?)$/.test(entry) && !entry.endsWith(".test.ts")) sources.push(path.join(folder, entry));
  const text = sources.map((file) => fs.readFileSync(file, "utf8")).join("\n");
  return FIELD_NAMES.filter((name) => new RegExp(`["'\\s{(,]${name.replace(":", "\\:")}["'\\s:,)}=]`).test(text));
}

export type Caller = {
  kind: "anonymous" | "made-up cookie" | "password stage" | "setup stage" | "email_setup stage" | "member" | "admin";
  cookie?: string;
};

type Context = { origin: string; db: Db; seed: HostileSeed; harnessSessions: Set<string> };

const STAGE_OF: Record<string, { stage: SessionStage; who: "member" | "admin" | "target" }> = {
  "password stage": { stage: "password", who: "member" },
  "setup stage": { stage: "setup", who: "target" },
  "email_setup stage": { stage: "email_setup", who: "target" },
  member: { stage: "active", who: "member" },
  admin: { stage: "active", who: "admin" },
};

/** A fresh session of that kind, made in the database as a sign-in would leave it (so no request wastes time signing in). */
async function callerOf(kind: Caller["kind"], context: Context): Promise<Caller & { userId?: number }> {
  if (kind === "anonymous") return { kind };
  if (kind === "made-up cookie")
    return { kind, cookie: `${SESSION_COOKIE}=made-up-${Math.random().toString(36).slice(2)}` };
  const { stage, who } = STAGE_OF[kind]!;
  const user = context.seed[who];
  const { token } = await createSession(context.db, {
    userId: user.id,
    stage,
    context: { ip: "127.0.0.1", userAgent: "twofold-soak" },
  });
  context.harnessSessions.add(hashToken(token));
  return { kind, cookie: `${SESSION_COOKIE}=${token}`, userId: user.id };
}

/** A value valid input could hold for this field, so that hostile values in the others reach the code behind validation. */
function plausibleValue(field: string, context: Context, userId: number | undefined, pick: number): string {
  const { seed } = context;
  const choose = <T>(options: T[]) => options[pick % options.length]!;
  const totpSecret = [seed.admin, seed.member, seed.target].find((user) => user.id === userId)?.totpSecret;
  switch (field) {
    case "email":
      return choose([
        "member@soak.test",
        "target@soak.test",
        "admin@bystander.test",
        "nobody@soak.test",
        "new-person@soak.test",
      ]);
    case "password":
    case "currentPassword":
      return SOAK_PASSWORD;
    case "newPassword":
    case "confirmPassword":
      return "another-soak-password-7";
    case "code":
      return totpSecret ? choose([totpCodeAt(totpSecret), "000000", "abcd-efgh-ijkl"]) : "123456";
    case "user":
      return String(choose([seed.target.id, seed.member.id, ...seed.bystander.userIds, seed.admin.id]));
    case "role":
      return String(seed.roleId);
    case "group":
      return String(seed.groupId);
    case "next":
      return choose(["/profile", "/admin/users", "//evil.example"]);
    case "remember":
    case "signInAlerts":
    case "requireTwoFactor":
    case "allowTotp":
    case "allowCode":
    case "allowDuo":
    case "twoFactorEnabled":
    case "users:read":
    case "users:manage":
    case "roles:manage":
    case "settings:manage":
    case "audit:read":
      return "on";
    case "method":
      return choose(["totp", "code"]);
    case "twoFactorPolicy":
      return choose(["optional", "required"]);
    case "requirement":
      return choose(["default", "required", "exempt"]);
    case "codeDelivery":
      return choose(["auto", "sms", "email"]);
    case "requiredSetupFlow":
      return choose(["on_screen", "email_link"]);
    case "duoBypassAtSignIn":
      return choose(["refuse", "allow"]);
    case "disabled":
      return choose(["yes", "no"]);
    case "mobileNumber":
      return "+447700900456";
    case "duoApiHostname":
      return "api-12345678.duosecurity.com";
    case "duoIntegrationKey":
      return "DIXXXXXXXXXXXXXXXXXX";
    case "duoSecretKey":
      return "s".repeat(40);
    case "name":
      return "Soak Name";
    case "sessionDurationDays":
    case "twoFactorGraceDays":
    case "failureWindowMinutes":
      return choose(["30", "0", "365"]);
    default:
      return choose(["1", "10", "on", ""]);
  }
}

/** The concrete URL of an action's page: /admin/users/[id] gets the target's id. */
function pageOf(action: ServerAction, seed: HostileSeed): string {
  return action.page.replace(/^\/admin\/users\/1$/, `/admin/users/${seed.target.id}`);
}

/** Route handlers from the build, with concrete paths for their dynamic segments. */
export function routeHandlerPaths(): string[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(".next", "app-path-routes-manifest.json"), "utf8")) as Record<
    string,
    string
  >;
  const routes = Object.entries(manifest)
    .filter(([file]) => file.endsWith("/route"))
    .map(([, route]) => route.replace(/\/\([^)]*\)/g, ""));
  const concrete = new Set<string>();
  for (const route of routes) {
    if (route.includes("[...nextauth]")) {
      for (const tail of [
        "session",
        "csrf",
        "providers",
        "signin",
        "signout",
        "callback/sso",
        "callback/credentials",
        "signin/sso",
        "error",
        "x",
      ])
        concrete.add(route.replace("[...nextauth]", tail));
    } else if (route.includes("[[...path]]")) {
      for (const tail of ["", "x", "users/1", "me/../users"])
        concrete.add(route.replace("/[[...path]]", tail ? `/${tail}` : ""));
    } else if (!route.startsWith("/_")) {
      concrete.add(route);
    }
  }
  return [...concrete];
}

export type Target =
  | { type: "action"; action: ServerAction; fields: string[] }
  | { type: "route"; path: string }
  | { type: "page"; path: string };

export function allTargets(): Target[] {
  const actions = allServerActions().map((action) => ({
    type: "action" as const,
    action,
    fields: fieldsOfAction(action),
  }));
  const routes = routeHandlerPaths().map((route) => ({ type: "route" as const, path: route }));
  const pages = allPages()
    .filter((page) => !page.startsWith("/api/"))
    .map((page) => ({ type: "page" as const, path: page }));
  return [...actions, ...routes, ...pages];
}

/** The sessions that reach a target: every stage, so the guard's refusal is not all that is tested. */
const CALLER_KINDS: Caller["kind"][] = [
  "anonymous",
  "made-up cookie",
  "password stage",
  "setup stage",
  "email_setup stage",
  "member",
  "admin",
  "admin",
  "member",
];

/** One generated request: everything random in it comes from fast-check, sampled with (seed, index). */
type Shape = {
  callerIndex: number;
  plans: FieldPlan[];
  pick: number;
  bodyKind: number;
  argumentList: unknown;
  headers: Array<[string, string]>;
  cookie: string;
  useHostileCookie: boolean;
  actionIdVariant: number;
  originVariant: number;
  method: string;
  pathTail: string;
  routeBody: { contentType: string; body: Buffer } | null;
  authorization: string;
};

const shapeArbitrary: fc.Arbitrary<Shape> = fc.record({
  callerIndex: fc.nat(),
  plans: fc.array(fieldPlan, { minLength: 12, maxLength: 12 }),
  pick: fc.nat(),
  bodyKind: fc.nat({ max: 99 }),
  argumentList: hostileJson,
  headers: hostileHeaders,
  cookie: hostileCookie,
  useHostileCookie: fc.boolean(),
  actionIdVariant: fc.nat({ max: 99 }),
  originVariant: fc.nat({ max: 99 }),
  method: hostileMethod,
  pathTail: hostilePathTail,
  routeBody: hostileRouteBody,
  authorization: fc.oneof(
    fc.constant("valid"),
    fc.constant("none"),
    hostileString.map((text) => `Bearer ${text}`),
    fc.constantFrom(
      "Bearer",
      "Bearer ",
      "Basic Zm9vOmJhcg==",
      "bearer tfk_",
      "Bearer tfk_" + "A".repeat(5_000),
      "Bearer tfk_%00",
    ),
  ),
});

export type BuiltRequest = { request: RawRequest; target: string; caller: Caller["kind"]; bodyKind: string };

async function buildRequest(target: Target, shape: Shape, context: Context): Promise<BuiltRequest> {
  const caller = await callerOf(CALLER_KINDS[shape.callerIndex % CALLER_KINDS.length]!, context);
  const cookie =
    shape.useHostileCookie && shape.bodyKind % 3 === 0
      ? `${caller.cookie ? `${caller.cookie}; ` : ""}${shape.cookie}`
      : caller.cookie;
  const headers: Array<[string, string]> = [];
  if (cookie) headers.push(["cookie", cookie]);
  headers.push(["user-agent", "Mozilla/5.0 twofold-soak"], ...shape.headers);

  if (target.type === "action") {
    const { action, fields } = target;
    const actionId =
      shape.actionIdVariant < 95
        ? action.id
        : shape.actionIdVariant < 97
          ? "0".repeat(42)
          : shape.actionIdVariant < 99
            ? `${action.id}%00`
            : "x".repeat(5_000);
    const origin =
      shape.originVariant < 95 ? context.origin : shape.originVariant < 98 ? "https://evil.example" : "null";
    headers.push(["next-action", actionId], ["accept", "text/x-component"], ["origin", origin]);
    const parts: Part[] = [];
    const valuePairs: Array<[string, string]> = [];
    fields.forEach((field, index) => {
      const plan = shape.plans[index % shape.plans.length]!;
      const add = (value: string) => {
        parts.push({ name: field, value });
        valuePairs.push([field, value]);
      };
      if (plan.kind === "plausible") add(plausibleValue(field, context, caller.userId, shape.pick + index));
      else if (plan.kind === "hostile") add(plan.value);
      else if (plan.kind === "repeated") plan.values.forEach(add);
      else if (plan.kind === "file") parts.push({ name: field, filename: plan.filename, content: plan.content });
    });
    let bodyKind: string;
    let body: Buffer;
    let contentType: string;
    if (shape.bodyKind < 72) {
      bodyKind = "multipart form action";
      ({ body, contentType } = multipart(formActionParts(parts)));
    } else if (shape.bodyKind < 82) {
      bodyKind = "multipart, hostile argument list";
      ({ body, contentType } = multipart(formActionParts(parts, JSON.stringify(shape.argumentList) ?? "null")));
    } else if (shape.bodyKind < 90) {
      bodyKind = "JSON argument list";
      body = Buffer.from(JSON.stringify([{ status: "idle" }, shape.argumentList]) ?? "null");
      contentType = "text/plain;charset=UTF-8";
    } else {
      bodyKind = "no-JavaScript form post";
      body = noScriptForm(actionId, valuePairs, shape.bodyKind >= 96 ? "&%zz=%&a=%E0%A4%A&%00" : "");
      contentType = "application/x-www-form-urlencoded";
    }
    headers.push(["content-type", contentType]);
    return {
      request: { method: "POST", path: pageOf(action, context.seed), headers, body },
      target: `${action.name} (${action.file})`,
      caller: caller.kind,
      bodyKind,
    };
  }

  if (target.type === "route") {
    if (shape.authorization === "valid") headers.push(["authorization", `Bearer ${context.seed.apiToken}`]);
    else if (shape.authorization !== "none") headers.push(["authorization", shape.authorization]);
    const withBody = shape.routeBody && !["GET", "HEAD"].includes(shape.method);
    if (withBody) headers.push(["content-type", shape.routeBody!.contentType]);
    // Half the time the plain path with hostile query and headers, half with a hostile tail on the path itself.
    const suffix =
      shape.pick % 2 === 0
        ? shape.pathTail
        : shape.pathTail.startsWith("?")
          ? shape.pathTail
          : `?state=${encodeURIComponent(shape.pathTail)}&duo_code=x`;
    return {
      request: {
        method: shape.method,
        path: `${target.path}${suffix}`,
        headers,
        body: withBody ? shape.routeBody!.body : undefined,
      },
      target: target.path,
      caller: caller.kind,
      bodyKind: withBody ? shape.routeBody!.contentType : "no body",
    };
  }

  return {
    request: { method: shape.pick % 5 === 0 ? "HEAD" : "GET", path: `${target.path}${shape.pathTail}`, headers },
    target: target.path,
    caller: caller.kind,
    bodyKind: "page",
  };
}

/** Node's default --max-http-header-size: past it the server answers 431 without reading on. */
const NODE_MAX_HEADER_BYTES = 16 * 1024;

export type Failure = {
  index: number;
  status: number;
  method: string;
  target: string;
  caller: string;
  bodyKind: string;
  curl: string;
  bodyFile: string;
  answer: string;
};

export type HostileResult = {
  inputs: number;
  byTarget: { actions: number; routeHandlers: number; pages: number; oversized: number };
  byCaller: Record<string, number>;
  statuses: Record<string, number>;
  fiveHundreds: Failure[];
  /** 503 + Retry-After from the hashing queue: designed behaviour under overload, not an error. */
  busy: number;
  transportErrors: Array<{ index: number; target: string; error: string }>;
  /**
   * Requests whose body was over the path's limit (lib/body-limit) or whose
   * headers were over Node's 16 KiB: the server answers 413 or 431 and closes
   * without reading the rest, so the client's write can fail with a reset
   * that discards the answer. A refusal, not a fault; counted apart.
   */
  resetWhileSendingOversized: Array<{
    index: number;
    target: string;
    error: string;
    bodyBytes: number;
    headerBytes: number;
  }>;
  oversized: Array<{ target: string; bytes: number; status: number | string }>;
  seconds: number;
};

/** An oversized multipart body for a form action (Next's default server-action limit is 1 MB). */
async function sendOversized(
  context: Context,
  targets: Target[],
  count: number,
  replayDirectory: string,
  result: HostileResult,
) {
  const actions = targets.filter((target): target is Extract<Target, { type: "action" }> => target.type === "action");
  const routes = targets.filter((target): target is Extract<Target, { type: "route" }> => target.type === "route");
  for (let index = 0; index < count; index++) {
    const bytes = [2, 6, 12, 24][index % 4]! * 1024 * 1024;
    const admin = await callerOf("admin", context);
    let built: BuiltRequest;
    if (index % 3 !== 2) {
      const action = actions[(index * 7) % actions.length]!.action;
      const { body, contentType } = multipart(formActionParts([{ name: "name", value: "A".repeat(bytes) }]));
      built = {
        request: {
          method: "POST",
          path: pageOf(action, context.seed),
          headers: [
            ["cookie", admin.cookie!],
            ["next-action", action.id],
            ["origin", context.origin],
            ["content-type", contentType],
          ],
          body,
        },
        target: `${action.name} (${action.file})`,
        caller: "admin",
        bodyKind: `oversized multipart ${bytes / 1024 / 1024} MiB`,
      };
    } else {
      const route = routes[index % routes.length]!;
      built = {
        request: {
          method: "POST",
          path: route.path,
          headers: [
            ["authorization", `Bearer ${context.seed.apiToken}`],
            ["cookie", admin.cookie!],
            ["content-type", "application/json"],
          ],
          body: Buffer.alloc(bytes, 0x41),
        },
        target: route.path,
        caller: "admin",
        bodyKind: `oversized body ${bytes / 1024 / 1024} MiB`,
      };
    }
    const outcome = await sendAndRecord(context.origin, built, -1 - index, replayDirectory, result);
    result.oversized.push({ target: built.target, bytes, status: outcome });
    result.byTarget.oversized++;
  }
}

async function sendAndRecord(
  origin: string,
  built: BuiltRequest,
  index: number,
  replayDirectory: string,
  result: HostileResult,
): Promise<number | string> {
  result.inputs++;
  result.byCaller[built.caller] = (result.byCaller[built.caller] ?? 0) + 1;
  try {
    const answer = await sendRaw(origin, built.request);
    result.statuses[answer.status] = (result.statuses[answer.status] ?? 0) + 1;
    // The hashing queue's "busy" (proxy.ts: 503 with Retry-After) is designed behaviour, counted apart.
    if (answer.status === 503 && answer.headers["retry-after"] && answer.body.startsWith("Twofold is busy")) {
      result.busy++;
      return answer.status;
    }
    if (answer.status >= 500 || answer.status === 0) {
      fs.mkdirSync(replayDirectory, { recursive: true });
      const bodyFile = path.join(replayDirectory, `request-${index}.body`);
      if (built.request.body) fs.writeFileSync(bodyFile, built.request.body);
      result.fiveHundreds.push({
        index,
        status: answer.status,
        method: built.request.method,
        target: built.target,
        caller: built.caller,
        bodyKind: built.bodyKind,
        curl: curlOf(origin, built.request, bodyFile),
        bodyFile,
        answer: answer.body.slice(0, 300),
      });
    }
    return answer.status;
  } catch (error) {
    const message = (error as Error).message;
    const bodyBytes = built.request.body?.length ?? 0;
    const headerBytes = built.request.headers.reduce(
      (total, [name, value]) => total + name.length + value.length + 4,
      0,
    );
    const oversized =
      bodyBytes > bodyLimitFor(built.request.path.split("?")[0]!) || headerBytes > NODE_MAX_HEADER_BYTES;
    if (/^write (ECONNRESET|EPIPE)$/.test(message) && oversized) {
      result.resetWhileSendingOversized.push({ index, target: built.target, error: message, bodyBytes, headerBytes });
    } else {
      result.transportErrors.push({ index, target: built.target, error: message });
    }
    return message;
  }
}

/**
 * Sends `inputs` generated requests, `concurrency` at a time, spread over the
 * targets round-robin (so every action, route and page gets its share), then
 * the oversized bodies one at a time.
 */
export async function runHostileInput(
  context: Context,
  plan: {
    inputs: number;
    concurrency: number;
    oversized: number;
    seed: number;
    replayDirectory: string;
    onProgress?: (done: number) => void;
  },
): Promise<HostileResult> {
  const started = performance.now();
  const targets = allTargets();
  const result: HostileResult = {
    inputs: 0,
    byTarget: { actions: 0, routeHandlers: 0, pages: 0, oversized: 0 },
    byCaller: {},
    statuses: {},
    fiveHundreds: [],
    busy: 0,
    transportErrors: [],
    resetWhileSendingOversized: [],
    oversized: [],
    seconds: 0,
  };
  // Generated in blocks: a block's shapes come from (seed + block), so request i is the same in every run with that seed.
  const BLOCK = 500;
  let next = 0;
  const shapeAt = (() => {
    const cache = new Map<number, Shape[]>();
    return (index: number) => {
      const block = Math.floor(index / BLOCK);
      if (!cache.has(block)) {
        cache.clear();
        cache.set(block, sampleOf(shapeArbitrary, plan.seed + block, BLOCK));
      }
      return cache.get(block)![index % BLOCK]!;
    };
  })();
  const worker = async () => {
    while (next < plan.inputs) {
      const index = next++;
      const target = targets[index % targets.length]!;
      const built = await buildRequest(target, shapeAt(index), context);
      if (target.type === "action") result.byTarget.actions++;
      else if (target.type === "route") result.byTarget.routeHandlers++;
      else result.byTarget.pages++;
      await sendAndRecord(context.origin, built, index, plan.replayDirectory, result);
      if (index % 1000 === 0) plan.onProgress?.(index);
    }
  };
  await Promise.all(Array.from({ length: plan.concurrency }, worker));
  await sendOversized(context, targets, plan.oversized, plan.replayDirectory, result);
  result.seconds = Math.round((performance.now() - started) / 1000);
  return result;
}

/** For the report: how many targets of each kind the build has. */
export function targetCounts(): { actions: number; routeHandlers: number; pages: number } {
  const targets = allTargets();
  return {
    actions: targets.filter((target) => target.type === "action").length,
    routeHandlers: targets.filter((target) => target.type === "route").length,
    pages: targets.filter((target) => target.type === "page").length,
  };
}
