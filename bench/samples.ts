/*
 * Raw samples of one measurement, kept whole so that rounds run at different
 * times (interleaved with their baseline) add up to one exact summary.
 */

export type Summary = {
  /** Successful requests (or completed sign-ins) per second of measured time. */
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  succeeded: number;
  /** Connection errors, time-outs and responses that were not the expected success. */
  errors: number;
  non2xx: number;
  seconds: number;
  /**
   * CPU time (all threads) the serving process spent per success. Unlike the
   * rate, it barely moves when other work shares the machine.
   */
  cpuMsEach: number;
};

export class Samples {
  private readonly latencies: number[] = [];
  private measuredMs = 0;
  private cpuMs = 0;
  succeeded = 0;
  errors = 0;
  non2xx = 0;

  record(milliseconds: number, outcome: "ok" | "error" | "non2xx"): void {
    this.latencies.push(milliseconds);
    if (outcome === "ok") this.succeeded++;
    else if (outcome === "non2xx") this.non2xx++;
    else this.errors++;
  }

  /** A failure with no response to time: a refused connection, a reset. */
  recordError(): void {
    this.errors++;
  }

  addMeasuredTime(milliseconds: number): void {
    this.measuredMs += milliseconds;
  }

  addCpuTime(milliseconds: number): void {
    this.cpuMs += milliseconds;
  }

  summary(): Summary {
    const sorted = Float64Array.from(this.latencies).sort();
    const percentile = (fraction: number) =>
      sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]! : 0;
    const seconds = this.measuredMs / 1000;
    return {
      perSecond: seconds > 0 ? this.succeeded / seconds : 0,
      p50Ms: percentile(0.5),
      p99Ms: percentile(0.99),
      succeeded: this.succeeded,
      errors: this.errors,
      non2xx: this.non2xx,
      seconds,
      cpuMsEach: this.succeeded > 0 ? this.cpuMs / this.succeeded : 0,
    };
  }
}
