import type { Db } from "@/db";
import { createSession } from "@/lib/auth/sessions";
import { totpCodeAt } from "@/lib/two-factor/authenticator-app/totp";
import { runClosedLoop, type IterationOutcome } from "./closed-loop";
import { runHashing, HASHES_IN_FLIGHT } from "./hash-limit";
import { measurePair } from "./pairs";
import type { Row } from "./report";
import { Samples } from "./samples";
import { BENCH_PASSWORD, type BenchUser } from "./seed";
import type { RunningServer } from "./server";
import { signInActions, submitCode, submitPassword, type StepResult } from "./sign-in-steps";

/*
 * Measurement 2: whole sign-ins (password, then a fresh authenticator code)
 * against argon2id alone. Measurement 3: the code step alone, from
 * half-signed-in sessions prepared beforehand.
 *
 * An authenticator code is accepted once per user per 30-second step, so
 * every sign-in uses an account of its own, and each run is bounded by the
 * accounts prepared for it as well as by time.
 */

export type SignInPlan = {
  virtualUsers: number;
  rounds: number;
  seconds: number;
  hashSeconds: number;
  warmUpSeconds: number;
};
export type CodeStepPlan = { virtualUsers: number; seconds: number; warmUpSeconds: number };

/** The address a reverse proxy would report for virtual user `index` (TEST-NET-2 style, never contacted). */
const clientIpOf = (index: number) => `198.18.${Math.floor(index / 250)}.${(index % 250) + 1}`;

function outcomeOf(step: StepResult): IterationOutcome {
  if (step.ok) return "ok";
  return step.status >= 200 && step.status < 300 ? "error" : "non2xx";
}

/** Hands out each prepared item once, across all virtual users. */
export function queue<Item>(items: Item[]): () => Item | undefined {
  let next = 0;
  return () => items[next++];
}

export type SignInResult = { rows: Row[]; completedSignIns: number; exhausted: boolean };

/** CPU time of this process, all threads: where the hash-limit baseline does its hashing. */
function ownCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** Whole sign-ins against `server` by closed-loop virtual users, each with an account of its own from `nextUser`. */
export function signInLoop(server: RunningServer, nextUser: () => BenchUser | undefined) {
  const actions = signInActions(server.origin);
  const state = { completedSignIns: 0, exhausted: false };
  const signInOnce = async (virtualUser: number): Promise<IterationOutcome | "exhausted"> => {
    const user = nextUser();
    if (!user) return "exhausted";
    const clientIp = clientIpOf(virtualUser);
    const password = await submitPassword(actions, { email: user.email, password: BENCH_PASSWORD, clientIp });
    if (!password.ok) return outcomeOf(password);
    // What the user's app shows now; computed here as the app would, not read from the server.
    const code = await submitCode(actions, {
      sessionToken: password.sessionToken,
      code: totpCodeAt(user.totpSecret),
      clientIp,
    });
    if (code.ok) state.completedSignIns++;
    return outcomeOf(code);
  };
  return {
    state,
    async signInFor(virtualUsers: number, seconds: number, samples?: Samples) {
      const result = await runClosedLoop({ virtualUsers, seconds, iteration: signInOnce }, samples);
      state.exhausted ||= result.exhausted;
    },
  };
}

export async function measureSignIn(
  server: RunningServer,
  users: BenchUser[],
  plan: SignInPlan,
): Promise<SignInResult> {
  const loop = signInLoop(server, queue(users));
  const signInFor = (seconds: number, samples?: Samples) => loop.signInFor(plan.virtualUsers, seconds, samples);

  const { measured, baseline } = await measurePair(
    plan.rounds,
    {
      warmUp: () => signInFor(plan.warmUpSeconds),
      round: (samples) => signInFor(plan.seconds, samples),
      cpuMs: server.cpuMs,
    },
    {
      warmUp: () => runHashing(plan.warmUpSeconds),
      round: (samples) => runHashing(plan.hashSeconds, samples),
      cpuMs: ownCpuMs,
    },
  );
  const signIns = measured.summary();
  const hashes = baseline.summary();
  const { completedSignIns, exhausted } = loop.state;
  return {
    completedSignIns,
    exhausted,
    rows: [
      {
        measurement: `argon2id verify alone, ${HASHES_IN_FLIGHT} in flight, 1 process`,
        unit: "hashes/s",
        summary: hashes,
      },
      {
        measurement: `Full sign-in (password + code), ${plan.virtualUsers} users`,
        unit: "sign-ins/s",
        summary: signIns,
        target: { ratio: signIns.perSecond / hashes.perSecond, against: "argon2id alone", bound: { atLeast: 0.9 } },
        note: exhausted ? "ran out of prepared accounts before the time" : undefined,
      },
    ],
  };
}

/** Half-signed-in sessions (password done, code owed), one per user, as the password step leaves them. */
export async function prepareHalfSignedInSessions(
  db: Db,
  users: BenchUser[],
): Promise<Array<{ user: BenchUser; sessionToken: string }>> {
  return await db.transaction(
    async (tx) =>
      await Promise.all(
        users.map(async (user, index) => ({
          user,
          sessionToken: (
            await createSession(tx, {
              userId: user.id,
              stage: "password",
              context: { ip: clientIpOf(index), userAgent: "twofold-bench" },
            })
          ).token,
        })),
      ),
  );
}

export async function measureCodeStep(
  server: RunningServer,
  sessions: Array<{ user: BenchUser; sessionToken: string }>,
  plan: CodeStepPlan,
): Promise<{ rows: Row[]; exhausted: boolean }> {
  const actions = signInActions(server.origin);
  const nextSession = queue(sessions);
  const codeOnce = async (virtualUser: number): Promise<IterationOutcome | "exhausted"> => {
    const prepared = nextSession();
    if (!prepared) return "exhausted";
    const step = await submitCode(actions, {
      sessionToken: prepared.sessionToken,
      code: totpCodeAt(prepared.user.totpSecret),
      clientIp: clientIpOf(virtualUser),
    });
    return outcomeOf(step);
  };
  await runClosedLoop({ virtualUsers: plan.virtualUsers, seconds: plan.warmUpSeconds, iteration: codeOnce });
  const samples = new Samples();
  const cpuBefore = server.cpuMs();
  const { exhausted } = await runClosedLoop(
    { virtualUsers: plan.virtualUsers, seconds: plan.seconds, iteration: codeOnce },
    samples,
  );
  samples.addCpuTime(server.cpuMs() - cpuBefore);
  return {
    exhausted,
    rows: [
      {
        measurement: `Code step alone, ${plan.virtualUsers} users`,
        unit: "req/s",
        summary: samples.summary(),
        note: exhausted ? "ran out of prepared sessions before the time" : "no target: reported for scale",
      },
    ],
  };
}
