import fs from "node:fs";
import path from "node:path";
import type { Summary } from "./samples";

/* The run's results: one markdown table for the terminal and the README, and the whole record as JSON. */

export type Target = {
  /** The measured ratio, e.g. 0.94 for "0.94× /login". */
  ratio: number;
  /** What the ratio is taken against, e.g. "/login, 16 conn". */
  against: string;
  /** "≥ 0.90" or "≤ 1.20". */
  bound: { atLeast: number } | { atMost: number };
};

export type Row = {
  measurement: string;
  /** What `perSecond` counts: "req/s", "sign-ins/s", "hashes/s". */
  unit: string;
  summary: Summary;
  target?: Target;
  note?: string;
};

export function targetMet(target: Target): boolean {
  if (!Number.isFinite(target.ratio)) return false;
  return "atLeast" in target.bound ? target.ratio >= target.bound.atLeast : target.ratio <= target.bound.atMost;
}

function describeTarget(target: Target): string {
  const bound =
    "atLeast" in target.bound ? `≥ ${target.bound.atLeast.toFixed(2)}` : `≤ ${target.bound.atMost.toFixed(2)}`;
  const ratio = Number.isFinite(target.ratio) ? `${target.ratio.toFixed(2)}×` : "no ratio (a side completed nothing)";
  return `${ratio} ${target.against} (target ${bound}: ${targetMet(target) ? "met" : "MISSED"})`;
}

const number = (value: number, digits = 0) =>
  value.toLocaleString("en-GB", { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function markdownTable(rows: Row[]): string {
  const lines = [
    "| Measurement | Rate | p50 ms | p99 ms | Errors | Non-2xx | CPU ms each | Against its baseline |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
  ];
  for (const { measurement, unit, summary, target, note } of rows) {
    const rate = `${number(summary.perSecond, summary.perSecond < 100 ? 1 : 0)} ${unit}`;
    const comparison = [target ? describeTarget(target) : "", note ?? ""].filter(Boolean).join("; ");
    lines.push(
      `| ${measurement} | ${rate} | ${number(summary.p50Ms, 1)} | ${number(summary.p99Ms, 1)} | ${summary.errors} | ${summary.non2xx} | ${number(summary.cpuMsEach, 1)} | ${comparison || "—"} |`,
    );
  }
  return lines.join("\n");
}

/** bench/results/<prefix><UTC date and time>.json (the soak's prefix is "soak-"); returns the path. */
export function writeResults(record: object, now = new Date(), prefix = ""): string {
  const directory = path.join("bench", "results");
  fs.mkdirSync(directory, { recursive: true });
  const stamp = now.toISOString().slice(0, 16).replace(":", "");
  const file = path.join(directory, `${prefix}${stamp}Z.json`);
  // Written whole or not at all: a run stopped half-way leaves only the .tmp (ignored by git).
  fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
  fs.renameSync(`${file}.tmp`, file);
  return file;
}

/** Issue 18: each server process's peak resident memory under the bench's load. */
export const PEAK_RSS_LIMIT_MIB = 256;

/** One process of one server: "primary" and "worker" for `npm start`'s cluster, "server" for a lone `next start`. */
export type MemoryPeak = { server: string; process: string; pid: number; peakMiB: number };

export const memoryTargetMet = (peak: MemoryPeak) => peak.peakMiB <= PEAK_RSS_LIMIT_MIB;

export function memoryTable(peaks: MemoryPeak[]): string {
  const lines = ["| Server | Process | Peak RSS (VmHWM) | Target |", "| --- | --- | ---: | --- |"];
  for (const peak of peaks) {
    const verdict = memoryTargetMet(peak) ? "met" : "MISSED";
    lines.push(
      `| ${peak.server} | ${peak.process} (pid ${peak.pid}) | ${number(peak.peakMiB)} MiB | ≤ ${PEAK_RSS_LIMIT_MIB} MiB: ${verdict} |`,
    );
  }
  return lines.join("\n");
}
