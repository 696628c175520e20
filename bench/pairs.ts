import { Samples } from "./samples";

/*
 * A measurement and its baseline, taken in alternating rounds (A B, then B A,
 * …) after a warm-up of each, so that whatever else the shared machine is
 * doing meanwhile weighs on both sides alike.
 */

export type Side = {
  /** Runs once before any round, its results discarded: JIT, caches, connection pools. */
  warmUp: () => Promise<void>;
  /** Runs one round, adding to `samples`. */
  round: (samples: Samples) => Promise<void>;
  /** CPU time so far of the process doing the work, in ms. */
  cpuMs: () => number;
};

/** One round, with the CPU time its worker spent. */
export async function timedRound(side: Side, samples: Samples): Promise<void> {
  const before = side.cpuMs();
  await side.round(samples);
  samples.addCpuTime(side.cpuMs() - before);
}

export async function measurePair(
  rounds: number,
  measured: Side,
  baseline: Side,
): Promise<{ measured: Samples; baseline: Samples }> {
  const samples = { measured: new Samples(), baseline: new Samples() };
  await measured.warmUp();
  await baseline.warmUp();
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) {
      await timedRound(measured, samples.measured);
      await timedRound(baseline, samples.baseline);
    } else {
      await timedRound(baseline, samples.baseline);
      await timedRound(measured, samples.measured);
    }
  }
  return samples;
}
