import { queue, signInLoop } from "./measure-sign-in";
import { measurePair } from "./pairs";
import type { Row } from "./report";
import type { BenchUser } from "./seed";
import type { RunningServer } from "./server";

/*
 * Measurement 5: whole sign-ins against `npm start` with one process, and
 * with one process per core (WEB_CONCURRENCY), in alternating rounds. The
 * target is every core busy: sign-ins/s ≥ 0.9 × cores × 1000 ÷ the CPU ms
 * the servers spend on one sign-in (all their processes, all threads).
 */

export type ProcessesPlan = { virtualUsers: number; rounds: number; seconds: number; warmUpSeconds: number };

export type ProcessesResult = {
  rows: Row[];
  completedSignIns: number;
  /** cores × 1000 ÷ CPU ms per sign-in with one process per core: what every core busy on sign-ins would give. */
  ceilingPerSecond: number;
};

export async function measureProcesses(
  servers: { single: RunningServer; perCore: RunningServer; cores: number },
  users: BenchUser[],
  plan: ProcessesPlan,
): Promise<ProcessesResult> {
  // One queue of accounts for both: an authenticator code is accepted once per account and 30-second step.
  const nextUser = queue(users);
  const single = signInLoop(servers.single, nextUser);
  const perCore = signInLoop(servers.perCore, nextUser);
  const { measured, baseline } = await measurePair(
    plan.rounds,
    {
      warmUp: () => perCore.signInFor(plan.virtualUsers, plan.warmUpSeconds),
      round: (samples) => perCore.signInFor(plan.virtualUsers, plan.seconds, samples),
      cpuMs: servers.perCore.cpuMs,
    },
    {
      warmUp: () => single.signInFor(plan.virtualUsers, plan.warmUpSeconds),
      round: (samples) => single.signInFor(plan.virtualUsers, plan.seconds, samples),
      cpuMs: servers.single.cpuMs,
    },
  );
  const perCoreSummary = measured.summary();
  const singleSummary = baseline.summary();
  const ceilingPerSecond = perCoreSummary.cpuMsEach > 0 ? (servers.cores * 1000) / perCoreSummary.cpuMsEach : NaN;
  const exhausted = single.state.exhausted || perCore.state.exhausted;
  return {
    completedSignIns: single.state.completedSignIns + perCore.state.completedSignIns,
    ceilingPerSecond,
    rows: [
      {
        measurement: `Full sign-in, npm start, 1 process, ${plan.virtualUsers} users`,
        unit: "sign-ins/s",
        summary: singleSummary,
        note: exhausted ? "ran out of prepared accounts before the time" : undefined,
      },
      {
        measurement: `Full sign-in, npm start, ${servers.cores} processes (1 per core), ${plan.virtualUsers} users`,
        unit: "sign-ins/s",
        summary: perCoreSummary,
        target: {
          ratio: perCoreSummary.perSecond / ceilingPerSecond,
          // How many cores the servers kept busy: below `cores`, something else (the bench itself, other work) had the rest.
          against: `${servers.cores} cores × 1000 ÷ CPU ms each (${ceilingPerSecond.toFixed(1)}/s; servers busy ${((perCoreSummary.perSecond * perCoreSummary.cpuMsEach) / 1000).toFixed(2)} cores); ${(perCoreSummary.perSecond / singleSummary.perSecond).toFixed(2)}× 1 process`,
          bound: { atLeast: 0.9 },
        },
        note: exhausted ? "ran out of prepared accounts before the time" : undefined,
      },
    ],
  };
}
