// `npm run soak`: reliability measured, not timed tests. Builds if needed,
// then three phases against the production server on 127.0.0.1, each with a
// verdict: hostile input, load, crashes. `-- --seed N` varies the generated
// input and the kill moments (default fixed, so a run is reproducible);
// `-- --phase hostile|load|crash` runs one phase; `-- --inputs N` sets phase 1's
// count and `-- --cycles N` phase 3's.
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openSqliteDatabase } from "@/db";
import { ensureProductionBuild } from "../production-build";
import { writeResults } from "../report";
import { startServer, type RunningServer } from "../server";
import { runCrashes, type CrashResult } from "./crash";
import { runHostileInput, targetCounts, type HostileResult } from "./hostile";
import { causeOf, errorsByDigest, isFrameworkCause, splitWarnings } from "./log-causes";
import { runLoad, type LoadResult } from "./load";
import { seedCrashDatabase, seedHostileDatabase, seedLoadDatabase } from "./seed";
import { judgeDiff, SNAPSHOTTED_TABLES, takeSnapshot, type DiffReport } from "./snapshot";

const DEFAULT_SEED = 15;

/** Sized for under 10 minutes on 2 cores after the build. */
const PLAN = {
  hostile: { inputs: 10_000, concurrency: 8, oversized: 12 },
  load: { virtualUsers: 64, seconds: 60, maxRetriesPerStep: 30, seed: { totp: 3_000, email: 1_500 } },
  crash: {
    cycles: 30,
    timeBudgetSeconds: 180,
    workers: 8,
    killAfterMs: [1_500, 9_000] as [number, number],
    seed: { spenders: 1_000, email: 400, enrollees: 400 },
  },
};

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

function log(message: string) {
  console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

function gitCommit(): string | null {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
  } catch {
    return null;
  }
}

type Secrets = { authSecret: string; encryptionKey: string; key: Buffer };

function freshSecrets(): Secrets {
  const key = crypto.randomBytes(32);
  return { authSecret: crypto.randomBytes(32).toString("base64"), encryptionKey: key.toString("base64"), key };
}

type HostilePhase = HostileResult & {
  serverErrorLines: string[];
  /** Next.js's warnings for action ids this build does not have (400/404/409 by design), counted apart from errors. */
  unrecognisedActionWarnings: number;
  /** Each 5xx's cause, read from the log by its digest. */
  fiveHundredCauses: Record<string, number>;
  database: DiffReport & { integrity: string };
  targets: ReturnType<typeof targetCounts>;
  pass: boolean;
};

async function hostilePhase(workDirectory: string, seedNumber: number, inputs: number): Promise<HostilePhase> {
  const secrets = freshSecrets();
  const databaseFile = path.join(workDirectory, "hostile.db");
  const seed = await seedHostileDatabase(databaseFile, secrets.key);
  const db = openSqliteDatabase(databaseFile);
  let server: RunningServer | null = null;
  try {
    server = await startServer({ name: "hostile", databaseFile, ...secrets, logDirectory: workDirectory });
    log(
      `1/3 hostile input: ${inputs.toLocaleString("en-GB")} requests + ${PLAN.hostile.oversized} oversized bodies, seed ${seedNumber}, server ${server.origin}`,
    );
    const before = takeSnapshot(db.$client);
    const offset = server.logOffset();
    const harnessSessions = new Set<string>();
    const result = await runHostileInput(
      { origin: server.origin, db, seed, harnessSessions },
      {
        inputs,
        concurrency: PLAN.hostile.concurrency,
        oversized: PLAN.hostile.oversized,
        seed: seedNumber,
        replayDirectory: path.join(workDirectory, "replays"),
        onProgress: (done) => log(`  ${done.toLocaleString("en-GB")} sent`),
      },
    );
    // Work the server queued (emails, audit) lands within moments of the last answer.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const { errors: serverErrorLines, unrecognisedActionWarnings } = splitWarnings(server.errorLinesSince(offset));
    const byDigest = errorsByDigest(server.logFile, offset);
    const fiveHundredCauses: Record<string, number> = {};
    for (const failure of result.fiveHundreds) {
      const plain = causeOf(failure.answer, byDigest);
      // Next's plain "Internal Server Error" for TRACE: undici's Request refuses the method before any route code runs.
      const cause = `${failure.status}: ${failure.method === "TRACE" && plain.startsWith("Internal Server Error") ? "TRACE method refused by Node's Request (logged: 'TRACE' HTTP method is unsupported)" : plain}`;
      fiveHundredCauses[cause] = (fiveHundredCauses[cause] ?? 0) + 1;
    }
    const after = takeSnapshot(db.$client);
    const judged = judgeDiff(before, after, {
      bystanderOrganisationId: seed.bystander.organisationId,
      ignoreSessions: harnessSessions,
    });
    const integrity = String(db.$client.pragma("integrity_check", { simple: true }));
    const pass =
      result.fiveHundreds.length === 0 &&
      result.transportErrors.length === 0 &&
      serverErrorLines.length === 0 &&
      judged.violations.length === 0 &&
      integrity === "ok";
    return {
      ...result,
      serverErrorLines,
      unrecognisedActionWarnings: unrecognisedActionWarnings.length,
      fiveHundredCauses,
      database: { ...judged, integrity },
      targets: targetCounts(),
      pass,
    };
  } finally {
    db.$client.close();
    await server?.stop();
  }
}

type LoadPhase = LoadResult & { serverErrorLines: string[]; pass: boolean };

async function loadPhase(workDirectory: string): Promise<LoadPhase> {
  const secrets = freshSecrets();
  const databaseFile = path.join(workDirectory, "load.db");
  const seed = await seedLoadDatabase(databaseFile, secrets.key, PLAN.load.seed);
  const db = openSqliteDatabase(databaseFile);
  let server: RunningServer | null = null;
  try {
    server = await startServer({ name: "load", databaseFile, ...secrets, logDirectory: workDirectory });
    log(
      `2/3 load: ${PLAN.load.virtualUsers} virtual users signing in for ${PLAN.load.seconds} s, server ${server.origin}`,
    );
    const offset = server.logOffset();
    const result = await runLoad(server.origin, db, seed, PLAN.load);
    const serverErrorLines = server.errorLinesSince(offset);
    const pass =
      result.errors === 0 &&
      result.completed > 0 &&
      result.check.ok &&
      serverErrorLines.length === 0 &&
      !result.exhausted;
    return { ...result, serverErrorLines, pass };
  } finally {
    db.$client.close();
    await server?.stop();
  }
}

type CrashPhase = CrashResult & { pass: boolean };

async function crashPhase(workDirectory: string, seedNumber: number, cycles: number): Promise<CrashPhase> {
  const secrets = freshSecrets();
  const databaseFile = path.join(workDirectory, "crash.db");
  const seed = await seedCrashDatabase(databaseFile, secrets.key, PLAN.crash.seed);
  log(
    `3/3 crashes: up to ${PLAN.crash.cycles} cycles of start, work, kill -9 (within ${PLAN.crash.timeBudgetSeconds} s)`,
  );
  const result = await runCrashes({
    serverOptions: { name: "crash", databaseFile, ...secrets, logDirectory: path.join(workDirectory, "crash-logs") },
    databaseFile,
    key: secrets.key,
    seed,
    plan: { ...PLAN.crash, cycles, seed: seedNumber },
    log,
  });
  const pass =
    result.cycles > 0 &&
    result.inconsistencies.length === 0 &&
    result.startupErrorLines.length === 0 &&
    result.workloadServerErrors.length === 0 &&
    result.answersAtLeast500 === 0;
  return { ...result, pass };
}

const frameworkFiveHundreds = (hostile: HostilePhase) =>
  Object.entries(hostile.fiveHundredCauses).reduce(
    (total, [cause, count]) => total + (isFrameworkCause(cause) ? count : 0),
    0,
  );

const verdict = (pass: boolean | undefined) => (pass === undefined ? "not run" : pass ? "PASS" : "FAIL");
const n = (value: number) => value.toLocaleString("en-GB");

function summary(
  results: { hostile?: HostilePhase; load?: LoadPhase; crash?: CrashPhase },
  wallSeconds: number,
  buildNote: string,
  seedNumber: number,
): string {
  const { hostile, load, crash } = results;
  const lines = ["| Phase | Figures | Verdict |", "| --- | --- | ---: |"];
  if (hostile) {
    const changed = Object.entries(hostile.database.changes).map(
      ([table, change]) => `${table} +${change.inserted}/~${change.updated}/-${change.deleted}`,
    );
    lines.push(
      `| Hostile input | ${n(hostile.inputs)} inputs (${n(hostile.byTarget.actions)} to ${hostile.targets.actions} server actions, ${n(hostile.byTarget.routeHandlers)} to ${hostile.targets.routeHandlers} route-handler paths, ${n(hostile.byTarget.pages)} to ${hostile.targets.pages} pages, ${hostile.byTarget.oversized} oversized); ` +
        `${hostile.fiveHundreds.length} answers ≥ 500 (${frameworkFiveHundreds(hostile)} of them in Next.js's or React's own request decoding, before app code; plus ${hostile.busy} busy 503s with Retry-After), ${hostile.transportErrors.length} without an answer (plus ${hostile.resetWhileSendingOversized.length} oversized requests refused while still being sent, whose answer the reset discarded), ${hostile.serverErrorLines.length} server log errors (plus ${hostile.unrecognisedActionWarnings} Next.js warnings for unknown action ids), ` +
        `${hostile.database.violations.length} illegitimate database changes (legitimate, rows +inserted/~updated/-deleted: ${changed.length ? changed.join(", ") : "none"}; ${hostile.database.replacementCharacters} stored values hold U+FFFD), integrity ${hostile.database.integrity} | ${verdict(hostile.pass)} |`,
    );
  }
  if (load) {
    lines.push(
      `| Load | ${load.virtualUsers} users × ${load.seconds} s: ${n(load.completed)} sign-ins (${n(load.byMethod.totp)} TOTP, ${n(load.byMethod.email)} emailed code), ${load.signInsPerSecond} sign-ins/s, p50 ${n(load.latencyMs.p50)} ms, p95 ${n(load.latencyMs.p95)} ms; ` +
        `${load.errors} errors, ${load.busyAnswers.status503 + load.busyAnswers.inForm} busy answers (${load.busyAnswers.status503} × 503, ${load.busyAnswers.inForm} in the form), ` +
        `${n(load.check.activeSessions)} full sessions and ${n(load.check.auditEvents)} sign-in audit events in the database, ${load.serverErrorLines.length} server log errors | ${verdict(load.pass)} |`,
    );
  }
  if (crash) {
    const seen = Object.entries(crash.observed)
      .map(([kind, count]) => `${count} ${kind}`)
      .join(", ");
    lines.push(
      `| Crashes | ${crash.cycles} cycles of kill -9 (after ${Math.min(...crash.killedAfterMs)}–${Math.max(...crash.killedAfterMs)} ms of work); changes the client saw committed: ${seen}; ` +
        `${crash.inconsistencies.length} inconsistencies, ${crash.integrity.checks} integrity and foreign-key checks, ${crash.startupErrorLines.length} startup errors, ${crash.answersAtLeast500} answers ≥ 500 | ${verdict(crash.pass)} |`,
    );
  }
  const minutes = `${Math.floor(wallSeconds / 60)} min ${wallSeconds % 60} s`;
  return `${lines.join("\n")}\n\nSeed ${seedNumber}; wall time ${minutes} (${buildNote}); ${os.cpus().length} cores, load average at the end ${os
    .loadavg()
    .map((load) => load.toFixed(2))
    .join(", ")}.`;
}

async function main() {
  const startedAt = new Date();
  const seedNumber = Number(argument("seed") ?? DEFAULT_SEED);
  const inputs = Number(argument("inputs") ?? PLAN.hostile.inputs);
  const only = argument("phase");
  const cycles = Number(argument("cycles") ?? PLAN.crash.cycles);
  if (!Number.isSafeInteger(seedNumber) || !Number.isSafeInteger(inputs) || inputs < 1)
    throw new Error("--seed and --inputs take whole numbers");
  if (only && !["hostile", "load", "crash"].includes(only)) throw new Error("--phase is one of hostile, load, crash");

  const buildStarted = performance.now();
  const built = ensureProductionBuild();
  const buildSeconds = Math.round((performance.now() - buildStarted) / 1000);
  const buildNote = built === "built" ? `including a ${buildSeconds} s build` : "build up to date";
  log(`production build: ${built}${built === "built" ? ` in ${buildSeconds} s` : ""}`);

  const workDirectory = fs.mkdtempSync(path.join(os.tmpdir(), "twofold-soak-"));
  log(`databases and server logs in ${workDirectory}`);
  const results: { hostile?: HostilePhase; load?: LoadPhase; crash?: CrashPhase } = {};
  const soakStarted = performance.now();
  if (!only || only === "hostile") results.hostile = await hostilePhase(workDirectory, seedNumber, inputs);
  if (!only || only === "load") results.load = await loadPhase(workDirectory);
  if (!only || only === "crash") results.crash = await crashPhase(workDirectory, seedNumber, cycles);
  const finishedAt = new Date();
  const wallSeconds = Math.round((finishedAt.getTime() - startedAt.getTime()) / 1000);
  const soakSeconds = Math.round((performance.now() - soakStarted) / 1000);

  const table = summary(results, wallSeconds, buildNote, seedNumber);
  const file = writeResults(
    {
      startedAt,
      finishedAt,
      wallSeconds,
      soakSecondsAfterBuild: soakSeconds,
      build: { built, seconds: buildSeconds },
      commit: gitCommit(),
      seed: seedNumber,
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model,
        node: process.version,
        loadAverageAtEnd: os.loadavg(),
      },
      plan: PLAN,
      snapshottedTables: SNAPSHOTTED_TABLES,
      results,
      table,
    },
    finishedAt,
    "soak-",
  );

  const { hostile, load, crash } = results;
  for (const failure of hostile?.fiveHundreds.slice(0, 10) ?? []) {
    console.log(
      `\n${failure.status} from ${failure.target} as ${failure.caller} (${failure.bodyKind}), request #${failure.index}; replay with:\n  ${failure.curl}\n  answer: ${failure.answer.slice(0, 200)}`,
    );
  }
  if (hostile?.fiveHundreds.length)
    console.log(
      `\n5xx by cause:\n${Object.entries(hostile.fiveHundredCauses)
        .map(([cause, count]) => `  ${count} × ${cause}`)
        .join("\n")}`,
    );
  for (const error of hostile?.transportErrors.slice(0, 5) ?? [])
    console.log(`no answer from ${error.target} (request #${error.index}): ${error.error}`);
  for (const violation of hostile?.database.violations.slice(0, 10) ?? [])
    console.log(`database: ${violation.table}: ${violation.rule}: ${JSON.stringify(violation.row).slice(0, 300)}`);
  for (const line of [
    ...(hostile?.serverErrorLines ?? []),
    ...(load?.serverErrorLines ?? []),
    ...(crash?.startupErrorLines ?? []),
    ...(crash?.workloadServerErrors ?? []),
  ].slice(0, 15))
    console.log(`server log: ${line.slice(0, 300)}`);
  if (load && load.errors) console.log(`load errors: ${JSON.stringify(load.errorReasons)}`);
  for (const text of crash?.inconsistencies.slice(0, 15) ?? []) console.log(`crash: ${text}`);
  if (hostile)
    console.log(
      `\nOversized bodies: ${hostile.oversized.map((entry) => `${entry.bytes / 1024 / 1024} MiB → ${entry.status}`).join(", ")}`,
    );
  console.log(`\n${table}\n`);
  console.log(`Results in ${file}`);

  const phases = [hostile, load, crash].filter(Boolean) as Array<{ pass: boolean }>;
  const passed = phases.every((phase) => phase.pass);
  if (passed) fs.rmSync(workDirectory, { recursive: true, force: true });
  else {
    log(`server logs, databases and replayable request bodies kept in ${workDirectory}`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
