import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { auditEvents, sessions } from "@/db/schema";
import { totpCodeAt } from "@/lib/two-factor/authenticator-app/totp";
import {
  busyRetryAfter,
  newestCodeFor,
  postAction,
  SESSION_COOKIE,
  sleep,
  soakActions,
  type ActionAnswer,
} from "./sign-in-client";
import { SOAK_PASSWORD, type LoadSeed, type SoakUser } from "./seed";

/*
 * Phase 2: virtual users signing in (password, then the code: TOTP computed
 * as the app would, or the emailed code read from the outbox) for a fixed
 * time. A busy answer (503 + Retry-After from proxy.ts, or "Twofold is busy"
 * in the form) is designed behaviour under overload: it is counted apart
 * from errors, and the virtual user waits as told and tries again.
 */

export type LoadPlan = { virtualUsers: number; seconds: number; maxRetriesPerStep: number };

export type LoadResult = {
  virtualUsers: number;
  seconds: number;
  attempted: number;
  completed: number;
  errors: number;
  errorReasons: Record<string, number>;
  busyAnswers: { status503: number; inForm: number; retryAfterSecondsSeen: number[] };
  signInsPerSecond: number;
  latencyMs: { p50: number; p95: number; max: number };
  byMethod: { totp: number; email: number };
  check: { activeSessions: number; auditEvents: number; passwordAuditEvents: number; ok: boolean };
  exhausted: boolean;
};

const clientIpOf = (index: number) => `198.18.${Math.floor(index / 250)}.${(index % 250) + 1}`;

function percentile(sorted: number[], fraction: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

export async function runLoad(origin: string, db: Db, seed: LoadSeed, plan: LoadPlan): Promise<LoadResult> {
  const actions = soakActions();
  const accounts: Array<{ user: SoakUser; method: "totp" | "email" }> = [];
  // Interleaved, so both kinds of code run side by side all along.
  for (let index = 0; index < Math.max(seed.totpUsers.length, seed.emailUsers.length); index++) {
    if (seed.totpUsers[index]) accounts.push({ user: seed.totpUsers[index]!, method: "totp" });
    if (seed.emailUsers[index]) accounts.push({ user: seed.emailUsers[index]!, method: "email" });
  }
  let nextAccount = 0;
  const latencies: number[] = [];
  const completedUsers: number[] = [];
  const result: LoadResult = {
    virtualUsers: plan.virtualUsers,
    seconds: plan.seconds,
    attempted: 0,
    completed: 0,
    errors: 0,
    errorReasons: {},
    busyAnswers: { status503: 0, inForm: 0, retryAfterSecondsSeen: [] },
    signInsPerSecond: 0,
    latencyMs: { p50: 0, p95: 0, max: 0 },
    byMethod: { totp: 0, email: 0 },
    check: { activeSessions: 0, auditEvents: 0, passwordAuditEvents: 0, ok: false },
    exhausted: false,
  };
  const fail = (reason: string) => {
    result.errors++;
    result.errorReasons[reason] = (result.errorReasons[reason] ?? 0) + 1;
  };

  /** One step, retried while the server says it is busy, as a client honouring Retry-After would. */
  const stepWithRetries = async (send: () => Promise<ActionAnswer>): Promise<ActionAnswer | null> => {
    for (let attempt = 0; attempt <= plan.maxRetriesPerStep; attempt++) {
      const answer = await send();
      const retryAfter = busyRetryAfter(answer);
      if (retryAfter === null) return answer;
      if (answer.status === 503) result.busyAnswers.status503++;
      else result.busyAnswers.inForm++;
      if (result.busyAnswers.retryAfterSecondsSeen.length < 20)
        result.busyAnswers.retryAfterSecondsSeen.push(retryAfter);
      await sleep(retryAfter * 1000);
    }
    return null;
  };

  const started = performance.now();
  const deadline = started + plan.seconds * 1000;
  const virtualUser = async (index: number) => {
    const clientIp = clientIpOf(index);
    while (performance.now() < deadline) {
      const account = accounts[nextAccount++];
      if (!account) {
        result.exhausted = true;
        return;
      }
      result.attempted++;
      const begun = performance.now();
      try {
        const password = await stepWithRetries(() =>
          postAction(
            origin,
            "/login",
            actions.password,
            { email: account.user.email, password: SOAK_PASSWORD },
            { clientIp },
          ),
        );
        if (!password) {
          fail("password step: still busy after the retries");
          continue;
        }
        // Sent on to where the sign-in was headed ("/" here), which proxy.ts and the guards turn into the code step.
        if (password.status !== 200 || !password.redirect || !password.sessionToken) {
          fail(`password step: ${password.status} ${password.redirect ?? "no redirect"}`);
          continue;
        }
        let code: string | undefined;
        if (account.method === "totp") code = totpCodeAt(account.user.totpSecret!);
        else {
          // Sent by the password step itself (sendCodeIfChallengeStartsWithIt); wait for it as a user waits for the email.
          for (let wait = 0; wait < 200 && !code; wait++) {
            code = (await newestCodeFor(db, account.user.email))?.code;
            if (!code) await sleep(50);
          }
          if (!code) {
            fail("email code never reached the outbox");
            continue;
          }
        }
        const cookie = `${SESSION_COOKIE}=${password.sessionToken}`;
        const step = await stepWithRetries(() =>
          postAction(origin, "/login/two-factor", actions.code, { code: code! }, { cookie, clientIp }),
        );
        if (!step) {
          fail("code step: still busy after the retries");
          continue;
        }
        if (
          step.status !== 200 ||
          step.redirect !== "/" ||
          !step.sessionToken ||
          step.sessionToken === password.sessionToken
        ) {
          fail(`code step: ${step.status} ${step.redirect ?? "no redirect"}`);
          continue;
        }
        result.completed++;
        result.byMethod[account.method]++;
        completedUsers.push(account.user.id);
        latencies.push(performance.now() - begun);
      } catch (error) {
        fail(`transport: ${(error as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: plan.virtualUsers }, (_, index) => virtualUser(index)));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  result.signInsPerSecond = Math.round((result.completed / elapsed) * 10) / 10;
  result.latencyMs = {
    p50: Math.round(percentile(latencies, 0.5)),
    p95: Math.round(percentile(latencies, 0.95)),
    max: Math.round(latencies.at(-1) ?? 0),
  };

  // The server's own record: a full session and a "two_factor.succeeded" event for each completed sign-in, no more, no fewer.
  const allUsers = accounts.map((account) => account.user.id);
  let activeSessions = 0;
  let audits = 0;
  let passwordAudits = 0;
  for (let start = 0; start < allUsers.length; start += 500) {
    const slice = allUsers.slice(start, start + 500);
    activeSessions += (
      await db
        .select({ count: sql<number>`count(*)` })
        .from(sessions)
        .where(and(inArray(sessions.userId, slice), eq(sessions.stage, "active")))
    )[0]!.count;
    audits += (
      await db
        .select({ count: sql<number>`count(*)` })
        .from(auditEvents)
        .where(and(inArray(auditEvents.targetUserId, slice), eq(auditEvents.type, "two_factor.succeeded")))
    )[0]!.count;
    passwordAudits += (
      await db
        .select({ count: sql<number>`count(*)` })
        .from(auditEvents)
        .where(and(inArray(auditEvents.targetUserId, slice), eq(auditEvents.type, "sign_in.password_verified")))
    )[0]!.count;
  }
  result.check = {
    activeSessions,
    auditEvents: audits,
    passwordAuditEvents: passwordAudits,
    ok: activeSessions === result.completed && audits === result.completed,
  };
  return result;
}
