import crypto from "node:crypto";
import { and, eq, isNotNull, sql } from "drizzle-orm";
import { openSqliteDatabase, type SqliteDb as Db } from "@/db";
import { auditEvents, oneTimeCodes, recoveryCodes, sessions, totpCredentials } from "@/db/schema";
import { createSession } from "@/lib/auth/sessions";
import { hashToken } from "@/lib/crypto";
import { totpSecretBinding } from "@/lib/keys/bindings";
import { createKeyRing, type KeyRing } from "@/lib/keys/key-ring";
import { decryptSecret } from "@/lib/keys/secrets";
import { hashRecoveryCode, normaliseRecoveryCode } from "@/lib/two-factor/recovery-codes/codes";
import { TOTP_PERIOD_SECONDS, totpCodeAt } from "@/lib/two-factor/authenticator-app/totp";
import { startServer, type RunningServer, type ServerOptions } from "../server";
import { newestCodeFor, postAction, SESSION_COOKIE, sleep, soakActions } from "./sign-in-client";
import { SOAK_PASSWORD, type CrashSeed, type SoakUser } from "./seed";

/*
 * Phase 3: start the server, run enrolments, code spending and sign-ins side
 * by side, `kill -9` its process group at a random moment, start it again and
 * check that what the client saw committed is there and nothing is half-done.
 */

/** What a client saw the server accept, with what must hold afterwards. */
type Observed =
  | { kind: "totp sign-in"; userId: number; sessionToken: string; step: number }
  | { kind: "recovery code"; userId: number; sessionToken: string; code: string }
  | { kind: "one-time code"; userId: number; sessionToken: string; halfToken: string }
  | { kind: "enrolment"; userId: number; secret: string; recoveryCodes: string[] };

export type CrashPlan = {
  cycles: number;
  timeBudgetSeconds: number;
  workers: number;
  killAfterMs: [number, number];
  seed: number;
};

export type CrashResult = {
  cycles: number;
  observed: Record<Observed["kind"], number>;
  inconsistencies: string[];
  startupErrorLines: string[];
  workloadServerErrors: string[];
  answersAtLeast500: number;
  integrity: { checks: number; failures: string[] };
  killedAfterMs: number[];
  seconds: number;
};

/** A small seeded generator (mulberry32): the kill moments are reproducible from the run's seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Pools {
  private spender = 0;
  private email = 0;
  private enrollee = 0;
  constructor(private readonly seed: CrashSeed) {}
  nextSpender() {
    return this.seed.spenders[this.spender++];
  }
  nextEmailUser() {
    return this.seed.emailUsers[this.email++];
  }
  nextEnrollee() {
    return this.seed.enrollees[this.enrollee++];
  }
}

type Workload = {
  origin: string;
  db: Db;
  key: Buffer;
  pools: Pools;
  observed: Observed[];
  fiveHundreds: { count: number };
  stop: { now: boolean };
};

const clientIp = (user: { id: number }) => `198.19.${Math.floor(user.id / 250) % 250}.${(user.id % 250) + 1}`;

async function passwordStep(work: Workload, user: SoakUser): Promise<string | null> {
  const actions = soakActions();
  const answer = await postAction(
    work.origin,
    "/login",
    actions.password,
    { email: user.email, password: SOAK_PASSWORD },
    { clientIp: clientIp(user) },
  );
  if (answer.status >= 500) work.fiveHundreds.count++;
  return answer.status === 200 && answer.redirect && answer.sessionToken ? answer.sessionToken : null;
}

async function codeStep(work: Workload, user: SoakUser, halfToken: string, code: string): Promise<string | null> {
  const actions = soakActions();
  const answer = await postAction(
    work.origin,
    "/login/two-factor",
    actions.code,
    { code },
    { cookie: `${SESSION_COOKIE}=${halfToken}`, clientIp: clientIp(user) },
  );
  if (answer.status >= 500) work.fiveHundreds.count++;
  // A recovery code sends the browser on to set up a new factor; anything but the challenge again is a completed sign-in.
  if (
    !answer.redirect ||
    answer.redirect.startsWith("/login") ||
    !answer.sessionToken ||
    answer.sessionToken === halfToken
  )
    return null;
  return answer.sessionToken;
}

async function totpSignIn(work: Workload): Promise<boolean> {
  const user = work.pools.nextSpender();
  if (!user) return false;
  const half = await passwordStep(work, user);
  if (!half) return true;
  const now = new Date();
  const step = Math.floor(now.getTime() / 1000 / TOTP_PERIOD_SECONDS);
  const session = await codeStep(work, user, half, totpCodeAt(user.totpSecret, now));
  if (session) work.observed.push({ kind: "totp sign-in", userId: user.id, sessionToken: session, step });
  return true;
}

async function recoveryCodeSignIn(work: Workload): Promise<boolean> {
  const user = work.pools.nextSpender();
  if (!user) return false;
  const half = await passwordStep(work, user);
  if (!half) return true;
  const code = user.recoveryCodes[0]!;
  const session = await codeStep(work, user, half, code);
  if (session) work.observed.push({ kind: "recovery code", userId: user.id, sessionToken: session, code });
  return true;
}

async function emailCodeSignIn(work: Workload): Promise<boolean> {
  const user = work.pools.nextEmailUser();
  if (!user) return false;
  const half = await passwordStep(work, user);
  if (!half) return true;
  let code: string | undefined;
  for (let wait = 0; wait < 100 && !code && !work.stop.now; wait++) {
    code = (await newestCodeFor(work.db, user.email))?.code;
    if (!code) await sleep(50);
  }
  if (!code) return true;
  const session = await codeStep(work, user, half, code);
  if (session) work.observed.push({ kind: "one-time code", userId: user.id, sessionToken: session, halfToken: half });
  return true;
}

/** Authenticator app setup from the profile: start (password), then confirm with a code; the answer carries the recovery codes. */
async function enrolment(work: Workload): Promise<boolean> {
  const user = work.pools.nextEnrollee();
  if (!user) return false;
  const actions = soakActions();
  // Signed in moments ago, as the profile's "sensitive" actions require; made in the database to spend the time on the enrolment.
  const { token } = await createSession(work.db, {
    userId: user.id,
    stage: "active",
    context: { ip: "127.0.0.1", userAgent: "twofold-soak" },
  });
  const cookie = `${SESSION_COOKIE}=${token}`;
  const started = await postAction(
    work.origin,
    "/profile",
    actions.startEnrolment,
    { currentPassword: SOAK_PASSWORD },
    { cookie, clientIp: clientIp(user) },
  );
  if (started.status >= 500) work.fiveHundreds.count++;
  const grouped = /"secret":"([A-Z2-7 ]+)"/.exec(started.body)?.[1];
  if (!grouped) return true;
  const secret = grouped.replace(/ /g, "");
  const confirmed = await postAction(
    work.origin,
    "/profile",
    actions.confirmEnrolment,
    { code: totpCodeAt(secret) },
    { cookie, clientIp: clientIp(user) },
  );
  if (confirmed.status >= 500) work.fiveHundreds.count++;
  const codes = /"recoveryCodes":(\[[^\]]*\])/.exec(confirmed.body)?.[1];
  if (codes)
    work.observed.push({ kind: "enrolment", userId: user.id, secret, recoveryCodes: JSON.parse(codes) as string[] });
  return true;
}

const OPERATIONS = [totpSignIn, enrolment, recoveryCodeSignIn, emailCodeSignIn];

async function runWorkload(work: Workload, workers: number) {
  const worker = async (index: number) => {
    let turn = index;
    while (!work.stop.now) {
      try {
        const more = await OPERATIONS[turn++ % OPERATIONS.length]!(work);
        if (!more) await sleep(100);
      } catch {
        // The server was killed under this request: its outcome is unknown to the client, so nothing is claimed.
        if (!work.stop.now) await sleep(50);
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, index) => worker(index)));
}

/** Whole-database checks that hold whatever was in flight. */
function databaseChecks(db: Db, seed: CrashSeed): string[] {
  const problems: string[] = [];
  const integrity = db.$client.pragma("integrity_check", { simple: true });
  if (integrity !== "ok") problems.push(`integrity_check: ${String(integrity)}`);
  const foreignKeys = db.$client.pragma("foreign_key_check") as unknown[];
  if (foreignKeys.length) problems.push(`foreign_key_check: ${JSON.stringify(foreignKeys.slice(0, 5))}`);
  const orphanSessions = db.$client
    .prepare("select count(*) as n from sessions s left join users u on u.id = s.user_id where u.id is null")
    .get() as { n: number };
  if (orphanSessions.n) problems.push(`${orphanSessions.n} sessions without their user`);
  // A confirmed authenticator without its recovery codes, or recovery codes without a confirmed factor, among users who enrolled during the run.
  const enrolleeIds = seed.enrollees.map((user) => user.id);
  const [low, high] = [Math.min(...enrolleeIds), Math.max(...enrolleeIds)];
  const halfEnrolled = db.$client
    .prepare(
      `select u.id, t.confirmed_at as confirmed, (select count(*) from recovery_codes r where r.user_id = u.id) as codes
       from users u left join totp_credentials t on t.user_id = u.id
       where u.id between ? and ?`,
    )
    .all(low, high) as Array<{ id: number; confirmed: number | null; codes: number }>;
  for (const row of halfEnrolled) {
    if (row.confirmed && row.codes === 0)
      problems.push(`user ${row.id}: confirmed authenticator without recovery codes`);
    if (!row.confirmed && row.codes > 0)
      problems.push(`user ${row.id}: ${row.codes} recovery codes without a confirmed authenticator`);
  }
  const badStages = db.$client
    .prepare("select count(*) as n from sessions where stage not in ('password','setup','email_setup','active')")
    .get() as { n: number };
  if (badStages.n) problems.push(`${badStages.n} sessions in an unknown stage`);
  return problems;
}

/** Checks that each change a client saw accepted survived the crash. */
async function observedChecks(db: Db, key: Buffer, observed: Observed[]): Promise<string[]> {
  const problems: string[] = [];
  const keys: KeyRing = createKeyRing([key]);
  for (const item of observed) {
    if (item.kind !== "enrolment") {
      const session = (
        await db
          .select()
          .from(sessions)
          .where(eq(sessions.tokenHash, hashToken(item.sessionToken)))
      )[0];
      // Sessions end by design (a later sign-in of the same user never ends another's); only a missing one the client saw is a loss.
      if (!session) problems.push(`${item.kind} of user ${item.userId}: the full session the client received is gone`);
      else if (session.stage !== "active")
        problems.push(`${item.kind} of user ${item.userId}: session stage ${session.stage}`);
      const audited = (
        await db
          .select({ count: sql<number>`count(*)` })
          .from(auditEvents)
          .where(
            and(
              eq(auditEvents.targetUserId, item.userId),
              sql`${auditEvents.type} in ('two_factor.succeeded', 'recovery_code.used')`,
            ),
          )
      )[0]!.count;
      if (!audited) problems.push(`${item.kind} of user ${item.userId}: no audit event for the completed sign-in`);
    }
    if (item.kind === "totp sign-in") {
      const credential = (await db.select().from(totpCredentials).where(eq(totpCredentials.userId, item.userId)))[0];
      if (!credential || (credential.lastUsedStep ?? -1) < item.step)
        problems.push(
          `totp sign-in of user ${item.userId}: step ${item.step} not recorded as used (the code would work again)`,
        );
    }
    if (item.kind === "recovery code") {
      const hash = hashRecoveryCode(normaliseRecoveryCode(item.code)!, keys);
      const row = (
        await db
          .select()
          .from(recoveryCodes)
          .where(and(eq(recoveryCodes.userId, item.userId), eq(recoveryCodes.codeHash, hash)))
      )[0];
      if (row && !row.usedAt)
        problems.push(
          `recovery code of user ${item.userId}: accepted, yet unused in the database (it would work again)`,
        );
    }
    if (item.kind === "one-time code") {
      const used = (
        await db
          .select({ count: sql<number>`count(*)` })
          .from(oneTimeCodes)
          .where(and(eq(oneTimeCodes.sessionTokenHash, hashToken(item.halfToken)), isNotNull(oneTimeCodes.usedAt)))
      )[0]!.count;
      if (!used)
        problems.push(`one-time code of user ${item.userId}: accepted, yet not marked used (it would work again)`);
    }
    if (item.kind === "enrolment") {
      const credential = (await db.select().from(totpCredentials).where(eq(totpCredentials.userId, item.userId)))[0];
      if (!credential?.confirmedAt)
        problems.push(
          `enrolment of user ${item.userId}: the client saw it confirmed, the database has no confirmed authenticator`,
        );
      else if (decryptSecret(credential.secretEncrypted, totpSecretBinding(item.userId), keys) !== item.secret)
        problems.push(`enrolment of user ${item.userId}: stored secret differs from the one shown`);
      const stored = new Set(
        (
          await db
            .select({ hash: recoveryCodes.codeHash })
            .from(recoveryCodes)
            .where(eq(recoveryCodes.userId, item.userId))
        ).map((row) => row.hash),
      );
      const shown = item.recoveryCodes.map((code) => hashRecoveryCode(normaliseRecoveryCode(code)!, keys));
      if (stored.size !== shown.length || shown.some((hash) => !stored.has(hash)))
        problems.push(
          `enrolment of user ${item.userId}: ${stored.size} stored recovery codes for ${shown.length} shown`,
        );
    }
  }
  return problems;
}

export async function runCrashes(options: {
  serverOptions: ServerOptions;
  databaseFile: string;
  key: Buffer;
  seed: CrashSeed;
  plan: CrashPlan;
  log: (line: string) => void;
}): Promise<CrashResult> {
  const { plan, seed, key } = options;
  const started = performance.now();
  const next = random(plan.seed);
  const pools = new Pools(seed);
  const result: CrashResult = {
    cycles: 0,
    observed: { "totp sign-in": 0, "recovery code": 0, "one-time code": 0, enrolment: 0 },
    inconsistencies: [],
    startupErrorLines: [],
    workloadServerErrors: [],
    answersAtLeast500: 0,
    integrity: { checks: 0, failures: [] },
    killedAfterMs: [],
    seconds: 0,
  };
  const allObserved: Observed[] = [];
  let server: RunningServer | null = null;
  try {
    for (let cycle = 1; cycle <= plan.cycles; cycle++) {
      if ((performance.now() - started) / 1000 > plan.timeBudgetSeconds) {
        options.log(`crash phase: time budget of ${plan.timeBudgetSeconds} s reached after ${cycle - 1} cycles`);
        break;
      }
      server = await startServer({
        ...options.serverOptions,
        name: `crash-${String(cycle).padStart(2, "0")}`,
        processGroup: true,
      });
      // Starting over the crashed database must be clean: nothing in the log but the usual banner.
      const startup = server.errorLinesSince(0);
      result.startupErrorLines.push(...startup.map((line) => `cycle ${cycle}: ${line}`));
      const db = openSqliteDatabase(options.databaseFile);
      const observed: Observed[] = [];
      const fiveHundreds = { count: 0 };
      const stop = { now: false };
      const work: Workload = { origin: server.origin, db, key, pools, observed, fiveHundreds, stop };
      const afterStart = server.logOffset();
      const running = runWorkload(work, plan.workers);
      const killAfter = Math.round(plan.killAfterMs[0] + next() * (plan.killAfterMs[1] - plan.killAfterMs[0]));
      await sleep(killAfter);
      const errorsBeforeKill = server.errorLinesSince(afterStart);
      await server.killGroup();
      stop.now = true;
      await running;
      db.$client.close();
      result.killedAfterMs.push(killAfter);
      result.workloadServerErrors.push(...errorsBeforeKill.map((line) => `cycle ${cycle}: ${line}`));
      result.answersAtLeast500 += fiveHundreds.count;

      // The database as the crash left it, opened as the server opens it (WAL recovery included).
      const check = openSqliteDatabase(options.databaseFile);
      const problems = [
        ...databaseChecks(check, seed),
        ...(await observedChecks(check, key, observed)),
        ...(await observedChecks(check, key, allObserved)).map((text) => `(earlier cycle) ${text}`),
      ];
      check.$client.close();
      result.integrity.checks++;
      result.inconsistencies.push(...problems.map((text) => `cycle ${cycle}: ${text}`));
      for (const item of observed) result.observed[item.kind]++;
      allObserved.push(...observed);
      result.cycles = cycle;
      options.log(
        `crash cycle ${cycle}: killed after ${killAfter} ms, ${observed.length} changes seen committed, ${problems.length} inconsistencies`,
      );
      server = null;
    }
    // One last start: the server must come up cleanly after the last crash too.
    server = await startServer({ ...options.serverOptions, name: "crash-final", processGroup: true });
    result.startupErrorLines.push(...server.errorLinesSince(0).map((line) => `final start: ${line}`));
  } finally {
    await server?.stop();
  }
  result.seconds = Math.round((performance.now() - started) / 1000);
  return result;
}

export const randomSeed = () => crypto.randomInt(1, 2 ** 31 - 1);
