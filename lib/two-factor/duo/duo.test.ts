import fs from "node:fs";
import https from "node:https";
import path from "node:path";
import { Client } from "@duosecurity/duo_universal";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { judgeDuoAnswer } from "@/lib/two-factor/duo/auth-context";
import {
  checkDuoConnection,
  classifyDuoError,
  createDuoClient,
  DuoApiHostRefused,
  withinDuoTimeout,
} from "@/lib/two-factor/duo/client";
import { claimDuoState, DUO_STATE_LIFETIME_MS, storeDuoState } from "@/lib/two-factor/duo/states";
import { duoAuthStates } from "@/db/schema";
import { insertUser, testDatabase } from "@/test/db";
import {
  duoStandInSecret,
  makeSelfSignedCertificate,
  newDuoIntegrationKey,
  startDuoStandIn,
  type DuoStandIn,
} from "@/test/stand-ins/duo";

/* The real Duo Universal client against the local HTTPS stand-in, trusted only through NODE_EXTRA_CA_CERTS. */

const REDIRECT = "http://127.0.0.1:3000/login/duo/callback";
let standIn: DuoStandIn;
let certificate: string;

beforeAll(async () => {
  const dir = makeSelfSignedCertificate();
  certificate = fs.readFileSync(path.join(dir, "cert.pem"), "utf8");
  process.env.NODE_EXTRA_CA_CERTS = path.join(dir, "cert.pem");
  standIn = await startDuoStandIn({ cert: certificate, key: fs.readFileSync(path.join(dir, "key.pem"), "utf8") });
});
afterAll(() => standIn.close());

/** The stand-in is reachable only because it is on the allow-list, as DUO_ALLOWED_API_HOSTS puts it in e2e. */
const standInHosts = () => [new URL(standIn.url).host];
const settingsFor = (clientId = newDuoIntegrationKey()) => ({
  clientId,
  clientSecret: duoStandInSecret(clientId),
  apiHost: new URL(standIn.url).host,
});

/** What a browser does at the prompt: open Duo's URL, press a button, and read where Duo sends it back. */
async function answerPrompt(authUrl: string, decision: "allow" | "deny"): Promise<URL> {
  const get = (url: string, init?: { method: string; body: string }) =>
    new Promise<{ status: number; location?: string; body: string }>((resolve, reject) => {
      const request = https.request(
        url,
        {
          method: init?.method ?? "GET",
          ca: certificate,
          headers: init ? { "content-type": "application/x-www-form-urlencoded" } : {},
        },
        (response) => {
          let body = "";
          response.on("data", (chunk: Buffer) => (body += chunk.toString()));
          response.on("end", () =>
            resolve({ status: response.statusCode ?? 0, location: response.headers.location, body }),
          );
        },
      );
      request.on("error", reject);
      request.end(init?.body);
    });
  const prompt = await get(authUrl);
  expect(prompt.status).toBe(200);
  const transaction = /name="transaction" value="([0-9a-f]+)"/.exec(prompt.body)![1]!;
  const decided = await get(`${standIn.url}/_stand-in/decide`, {
    method: "POST",
    body: `transaction=${transaction}&decision=${decision}`,
  });
  expect(decided.status).toBe(302);
  return new URL(decided.location!);
}

async function setAnswer(clientId: string, reason: string, factor: string) {
  await new Promise<void>((resolve, reject) => {
    const request = https.request(`${standIn.url}/_stand-in/answer`, { method: "POST", ca: certificate }, (response) =>
      response.resume().on("end", resolve),
    );
    request.on("error", reject);
    request.end(JSON.stringify({ clientId, reason, factor }));
  });
}

async function setBehaviour(clientId: string, behaviour: "up" | "down") {
  await new Promise<void>((resolve, reject) => {
    const request = https.request(
      `${standIn.url}/_stand-in/behaviour`,
      { method: "POST", ca: certificate },
      (response) => response.resume().on("end", resolve),
    );
    request.on("error", reject);
    request.end(JSON.stringify({ clientId, behaviour }));
  });
}

describe("Duo connection check", () => {
  it("is connected with the right keys, refused with a wrong secret, unreachable when Duo is down or absent", async () => {
    const settings = settingsFor();
    expect(await checkDuoConnection(settings, REDIRECT, standInHosts())).toEqual({ ok: true });
    expect(await checkDuoConnection({ ...settings, clientSecret: "x".repeat(40) }, REDIRECT, standInHosts())).toEqual({
      ok: false,
      reason: "wrong_keys",
    });
    await setBehaviour(settings.clientId, "down");
    expect(await checkDuoConnection(settings, REDIRECT, standInHosts())).toEqual({ ok: false, reason: "unreachable" });
    expect(await checkDuoConnection({ ...settings, apiHost: "127.0.0.1:9" }, REDIRECT, ["127.0.0.1:9"])).toEqual({
      ok: false,
      reason: "unreachable",
    });
  });

  it("never calls a host that is neither Duo's nor on the allow-list: the stand-in, up and with the right keys, is refused unasked", async () => {
    const settings = settingsFor();
    const before = standIn.apiCalls();
    expect(await checkDuoConnection(settings, REDIRECT, [])).toEqual({ ok: false, reason: "host_not_allowed" });
    expect(await checkDuoConnection(settings, REDIRECT, ["127.0.0.1"])).toEqual({
      ok: false,
      reason: "host_not_allowed",
    });
    expect(() => createDuoClient(settings, REDIRECT, [])).toThrow(DuoApiHostRefused);
    expect(standIn.apiCalls()).toBe(before);
  });

  it("needs the extra certificate: the plain client, with only Duo's pinned roots, cannot reach the stand-in", async () => {
    const plain = new Client({ ...settingsFor(), redirectUrl: REDIRECT });
    const error = await plain.healthCheck().then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(classifyDuoError(error)).toBe("unreachable");
  });
});

describe("Duo round trip", () => {
  it("approves the user who approved, and refuses a replayed code, another user's result and a denial", async () => {
    const settings = settingsFor();
    const client = createDuoClient(settings, REDIRECT, standInHosts());
    const state = client.generateState();
    const back = await answerPrompt(await client.createAuthUrl("ada@example.com", state), "allow");
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get("state")).toBe(state);
    const code = back.searchParams.get("duo_code")!;
    const result = await withinDuoTimeout(client.exchangeAuthorizationCodeFor2FAResult(code, "ada@example.com"));
    expect(result.auth_result.status).toBe("allow");
    expect(result.preferred_username).toBe("ada@example.com");

    const replay = await client.exchangeAuthorizationCodeFor2FAResult(code, "ada@example.com").then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(classifyDuoError(replay)).toBe("rejected");

    const bobs = await answerPrompt(await client.createAuthUrl("bob@example.com", client.generateState()), "allow");
    const swapped = await client
      .exchangeAuthorizationCodeFor2FAResult(bobs.searchParams.get("duo_code")!, "ada@example.com")
      .then(
        () => null,
        (caught: unknown) => caught,
      );
    expect(classifyDuoError(swapped)).toBe("wrong_user");

    const denied = await answerPrompt(await client.createAuthUrl("ada@example.com", client.generateState()), "deny");
    const deniedResult = await client.exchangeAuthorizationCodeFor2FAResult(
      denied.searchParams.get("duo_code")!,
      "ada@example.com",
    );
    expect(deniedResult.auth_result.status).toBe("deny");
  });

  it("refuses a code exchanged by another integration", async () => {
    const client = createDuoClient(settingsFor(), REDIRECT, standInHosts());
    const back = await answerPrompt(await client.createAuthUrl("ada@example.com", client.generateState()), "allow");
    const other = createDuoClient(settingsFor(), REDIRECT, standInHosts());
    const error = await other
      .exchangeAuthorizationCodeFor2FAResult(back.searchParams.get("duo_code")!, "ada@example.com")
      .then(
        () => null,
        (caught: unknown) => caught,
      );
    expect(classifyDuoError(error)).toBe("rejected");
  });
});

describe("Duo's auth_context, through the real client", () => {
  it.each([
    ["user_approved", "duo_push", "factor"],
    ["valid_passcode", "passcode", "factor"],
    ["bypass_user", "duo_push", "no_factor"],
    ["allow_unenrolled_user", "not_available", "no_factor"],
    ["allowed_by_policy", "not_available", "no_factor"],
    ["trusted_network", "trusted_network", "no_factor"],
    ["remembered_device", "remembered_device", "no_factor"],
  ])("an approval for reason %s (factor %s) is judged %s", async (reason, factor, kind) => {
    const settings = settingsFor();
    await setAnswer(settings.clientId, reason, factor);
    const client = createDuoClient(settings, REDIRECT, standInHosts());
    const back = await answerPrompt(await client.createAuthUrl("ada@example.com", client.generateState()), "allow");
    const result = await withinDuoTimeout(
      client.exchangeAuthorizationCodeFor2FAResult(back.searchParams.get("duo_code")!, "ada@example.com"),
    );
    expect(result.auth_result.status).toBe("allow");
    expect([result.auth_context.reason, result.auth_context.factor]).toEqual([reason, factor]);
    expect(judgeDuoAnswer(result).kind).toBe(kind);
  });
});

describe("Duo states", () => {
  it("can be claimed once, only by the session that stored it, and only within five minutes", async () => {
    const db = testDatabase();
    const user = await insertUser(db);
    const now = new Date();
    await storeDuoState(db, {
      userId: user.id,
      sessionTokenHash: "session-a",
      state: "state-1",
      purpose: "sign_in",
      rememberBrowser: true,
      now,
    });
    expect(await claimDuoState(db, { state: "state-1", sessionTokenHash: "session-b", now })).toBeNull();
    expect(await claimDuoState(db, { state: "state-1", sessionTokenHash: "session-a", now })).toEqual({
      userId: user.id,
      purpose: "sign_in",
      rememberBrowser: true,
    });
    expect(await claimDuoState(db, { state: "state-1", sessionTokenHash: "session-a", now })).toBeNull();

    await storeDuoState(db, {
      userId: user.id,
      sessionTokenHash: "session-a",
      state: "state-2",
      purpose: "enrol",
      rememberBrowser: false,
      now,
    });
    const late = new Date(now.getTime() + DUO_STATE_LIFETIME_MS + 1);
    expect(await claimDuoState(db, { state: "state-2", sessionTokenHash: "session-a", now: late })).toBeNull();
    // Only the hash is stored.
    expect(JSON.stringify(await db.select().from(duoAuthStates))).not.toContain("state-2");
  });
});
