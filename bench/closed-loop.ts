import type { Samples } from "./samples";

/*
 * For flows autocannon cannot express (a sign-in is two dependent requests
 * carrying a fresh cookie and code): a fixed number of virtual users, each
 * starting its next iteration when the last one ends, until the time is up.
 */

export type IterationOutcome = "ok" | "error" | "non2xx";

export type ClosedLoop = {
  virtualUsers: number;
  seconds: number;
  /** One unit of work; "exhausted" when the prepared accounts or sessions ran out. */
  iteration: (virtualUser: number) => Promise<IterationOutcome | "exhausted">;
};

/** Returns whether the prepared input ran out before the time did. */
export async function runClosedLoop(loop: ClosedLoop, samples?: Samples): Promise<{ exhausted: boolean }> {
  const started = performance.now();
  const deadline = started + loop.seconds * 1000;
  let exhausted = false;
  const virtualUser = async (index: number) => {
    while (performance.now() < deadline && !exhausted) {
      const begun = performance.now();
      let outcome: IterationOutcome | "exhausted";
      try {
        outcome = await loop.iteration(index);
      } catch {
        samples?.recordError();
        continue;
      }
      if (outcome === "exhausted") {
        exhausted = true;
        break;
      }
      samples?.record(performance.now() - begun, outcome);
    }
  };
  await Promise.all(Array.from({ length: loop.virtualUsers }, (_, index) => virtualUser(index)));
  // Until the last iteration in flight at the deadline ended: those are counted too.
  samples?.addMeasuredTime(performance.now() - started);
  return { exhausted };
}
