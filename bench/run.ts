// `npm run bench`: builds if needed, seeds fresh databases, starts the
// production server on 127.0.0.1, measures, and reports ratios against
// baselines taken in the same run. `-- --cpu-prof` also writes V8 CPU
// profiles of the servers, to find where a missed target's time goes;
// `-- --only=processes,sign-in` runs only the measurements named (see STEPS).
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openSqliteDatabase } from "@/db";
import { createSession } from "@/lib/auth/sessions";
import { sessionCookie } from "@/lib/auth/cookie-definitions";
import { countActiveSessionsOf } from "./db-checks";
import { EXPORT_EVERYONE, measureDirectory, measureExport, type ExportMeasurement } from "./measure-directory";
import { measurePages } from "./measure-pages";
import { measureCodeStep, measureSignIn, prepareHalfSignedInSessions } from "./measure-sign-in";
import { ensureProductionBuild } from "./production-build";
import { measureProcesses } from "./measure-processes";
import {
  markdownTable,
  memoryTable,
  memoryTargetMet,
  targetMet,
  writeResults,
  type MemoryPeak,
  type Row,
} from "./report";
import { seedDirectoryDatabase, seedMainDatabase } from "./seed";
import { startServer, type RunningServer } from "./server";

/** Fixed times and sizes: about five minutes of measuring on 2 cores, plus a build when the sources changed. */
const PLAN = {
  pages: { connections: [16, 64], rounds: 2, seconds: 6, warmUpSeconds: 8 },
  signIn: { virtualUsers: 16, rounds: 2, seconds: 10, hashSeconds: 5, warmUpSeconds: 3 },
  codeStep: { virtualUsers: 16, seconds: 10, warmUpSeconds: 3 },
  // An admin's list is read by a few people at a time, not by a crowd.
  directory: { connections: 4, rounds: 3, seconds: 3, warmUpSeconds: 2 },
  // The same 16 users against one process and one per core, alternating.
  processes: { virtualUsers: 16, rounds: 2, seconds: 10, warmUpSeconds: 3 },
  seed: {
    pageUsers: 64,
    signInUsers: 3_000,
    codeUsers: 4_000,
    processUsers: 4_000,
    // Users of each directory, its admin included.
    directoryMembers: 100,
    largeDirectoryMembers: 100_000,
  },
};

const STEPS = ["pages", "sign-in", "code-step", "directory", "export", "processes"] as const;
type Step = (typeof STEPS)[number];

/** `--only=a,b`: a subset of STEPS, to rerun what a change touched; all of them without it. */
function selectedSteps(argv: string[]): Set<Step> {
  const only = argv.find((argument) => argument.startsWith("--only="));
  if (!only) return new Set(STEPS);
  const names = only.slice("--only=".length).split(",");
  const unknown = names.filter((name) => !(STEPS as readonly string[]).includes(name));
  if (unknown.length) throw new Error(`Unknown bench step ${unknown.join(", ")}; the steps are ${STEPS.join(", ")}`);
  return new Set(names as Step[]);
}

/** BENCH_SERVER_ENV="MALLOC_ARENA_MAX=2 …": environment to compare, set on every server process. */
function serverEnvironment(): Record<string, string> {
  const pairs = (process.env.BENCH_SERVER_ENV ?? "").split(/\s+/).filter(Boolean);
  return Object.fromEntries(pairs.map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)]));
}

/** Each process of a server with its own peak: a cluster's primary and workers, or a lone `next start`. */
function memoryPeaksOf(server: RunningServer, clustered: boolean): MemoryPeak[] {
  return server.peakMemoryKiBByProcess().map((entry) => {
    const role = entry.role === "root" ? (clustered ? "primary" : "server") : clustered ? "worker" : "child";
    return {
      server: server.name,
      // Next renames its processes "next-server (v…)"; a helper that is neither (the stand-in's esbuild) is named.
      process: /^(node|next)/.test(entry.command) || entry.role === "root" ? role : `${role}, ${entry.command}`,
      pid: entry.pid,
      peakMiB: Math.round(entry.peakKiB / 1024),
    };
  });
}

const SESSION_COOKIE = sessionCookie(false).name;
const localContext = { ip: "127.0.0.1", userAgent: "twofold-bench" };

function log(message: string) {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

function gitCommit(): string | null {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
  } catch {
    return null;
  }
}

/** Runs `measure` and collects what the servers logged as errors meanwhile. */
async function watchingServerLogs<Result>(
  servers: RunningServer[],
  measure: () => Promise<Result>,
): Promise<{ result: Result; serverErrors: string[] }> {
  const offsets = servers.map((server) => server.logOffset());
  const result = await measure();
  return { result, serverErrors: servers.flatMap((server, index) => server.errorLinesSince(offsets[index]!)) };
}

async function main() {
  const startedAt = new Date();
  const cpuProfile = process.argv.includes("--cpu-prof");
  const steps = selectedSteps(process.argv);
  const cores = os.cpus().length;
  log(`production build: ${ensureProductionBuild()}`);

  const workDirectory = fs.mkdtempSync(path.join(os.tmpdir(), "twofold-bench-"));
  const mainDatabase = path.join(workDirectory, "main.db");
  const largeDatabase = path.join(workDirectory, "directory-100000.db");
  const encryptionKey = crypto.randomBytes(32);
  const secrets = {
    authSecret: crypto.randomBytes(32).toString("base64"),
    encryptionKey: encryptionKey.toString("base64"),
  };
  const serverOptions = (name: string, databaseFile: string) => ({
    name,
    databaseFile,
    ...secrets,
    logDirectory: workDirectory,
    cpuProfileDirectory: cpuProfile ? path.join(workDirectory, "profiles") : undefined,
    nodeOptions: process.env.BENCH_SERVER_NODE_OPTIONS,
    env: serverEnvironment(),
  });

  log(`seeding fresh databases in ${workDirectory}`);
  const seed = await seedMainDatabase(mainDatabase, encryptionKey, PLAN.seed);
  const large =
    steps.has("directory") || steps.has("export")
      ? await seedDirectoryDatabase(largeDatabase, PLAN.seed.largeDirectoryMembers)
      : undefined;

  const rows: Row[] = [];
  let finished = false;
  const serverErrors: Record<string, string[]> = {};
  const servers: Array<{ server: RunningServer; clustered: boolean }> = [];
  const running = () => servers.map((entry) => entry.server);
  const db = openSqliteDatabase(mainDatabase);
  let verified: string | undefined;
  let ceiling: number | undefined;
  let exported: (ExportMeasurement & { expectedLines: number }) | undefined;
  try {
    const server = await startServer(serverOptions("main", mainDatabase));
    servers.push({ server, clustered: false });
    log(`server on ${server.origin} (pid ${server.pid}); steps: ${[...steps].join(", ")}`);

    if (steps.has("pages")) {
      // Signed in beforehand, as the dashboard's visitors were long before they load it.
      const pageCookies: string[] = [];
      for (const user of seed.pageUsers) {
        const session = await createSession(db, { userId: user.id, stage: "active", context: localContext });
        pageCookies.push(`${SESSION_COOKIE}=${session.token}`);
      }
      log("pages: signed-in page against signed-out page");
      const pages = await watchingServerLogs(running(), () => measurePages(server, pageCookies, PLAN.pages));
      rows.push(...pages.result);
      serverErrors.pages = pages.serverErrors;
    }

    if (steps.has("sign-in")) {
      log("sign-in: full sign-in against argon2id alone");
      const signIn = await watchingServerLogs(running(), () => measureSignIn(server, seed.signInUsers, PLAN.signIn));
      rows.push(...signIn.result.rows);
      serverErrors.signIn = signIn.serverErrors;
      const activeAfterSignIn = await countActiveSessionsOf(
        db,
        seed.signInUsers.map((user) => user.id),
      );
      verified = `${activeAfterSignIn} active sessions in the database for ${signIn.result.completedSignIns} sign-ins the client counted (warm-up included)`;
    }

    if (steps.has("code-step")) {
      log("code-step: code step alone");
      const halfSignedIn = await prepareHalfSignedInSessions(db, seed.codeUsers);
      const codeStep = await watchingServerLogs(running(), () => measureCodeStep(server, halfSignedIn, PLAN.codeStep));
      rows.push(...codeStep.result.rows);
      serverErrors.codeStep = codeStep.serverErrors;
    }

    if (large) {
      const largeServer = await startServer(serverOptions("directory-100000", largeDatabase));
      servers.push({ server: largeServer, clustered: false });
      const largeDb = openSqliteDatabase(largeDatabase);
      const largeAdminToken = (
        await createSession(largeDb, { userId: large.adminId, stage: "active", context: localContext })
      ).token;
      largeDb.$client.close();
      const smallAdminToken = (
        await createSession(db, { userId: seed.directory.adminId, stage: "active", context: localContext })
      ).token;
      const smallDirectory = {
        server,
        sessionCookie: `${SESSION_COOKIE}=${smallAdminToken}`,
        members: PLAN.seed.directoryMembers,
        ids: seed.directory,
      };
      const largeDirectory = {
        server: largeServer,
        sessionCookie: `${SESSION_COOKIE}=${largeAdminToken}`,
        members: PLAN.seed.largeDirectoryMembers,
        ids: large,
      };
      if (steps.has("directory")) {
        log(
          `directory: admin overview, list and filters, ${PLAN.seed.directoryMembers} against ${PLAN.seed.largeDirectoryMembers.toLocaleString("en-GB")} users`,
        );
        const directory = await watchingServerLogs(running(), () =>
          measureDirectory(smallDirectory, largeDirectory, PLAN.directory),
        );
        rows.push(...directory.result);
        serverErrors.directory = directory.serverErrors;
      }
      if (steps.has("export")) {
        log(`export: ${EXPORT_EVERYONE} of ${PLAN.seed.largeDirectoryMembers.toLocaleString("en-GB")} users`);
        const measured = await watchingServerLogs(running(), () => measureExport(largeDirectory));
        exported = { ...measured.result, expectedLines: PLAN.seed.largeDirectoryMembers + 1 };
        serverErrors.export = measured.serverErrors;
        if (measured.result.status !== 200) serverErrors.export.push(`export answered ${measured.result.status}`);
      }
    }

    if (steps.has("processes")) {
      log(`processes: npm start with 1 process against ${cores} (WEB_CONCURRENCY), on the main database`);
      const single = await startServer({ ...serverOptions("npm-start-1", mainDatabase), processes: 1 });
      servers.push({ server: single, clustered: true });
      const perCore = await startServer({ ...serverOptions(`npm-start-${cores}`, mainDatabase), processes: cores });
      servers.push({ server: perCore, clustered: true });
      const measured = await watchingServerLogs(running(), () =>
        measureProcesses({ single, perCore, cores }, seed.processUsers, PLAN.processes),
      );
      rows.push(...measured.result.rows);
      ceiling = measured.result.ceilingPerSecond;
      serverErrors.processes = measured.serverErrors;
      const activeAfterProcesses = await countActiveSessionsOf(
        db,
        seed.processUsers.map((user) => user.id),
      );
      const processCheck = `${activeAfterProcesses} active sessions for ${measured.result.completedSignIns} sign-ins against npm start (warm-up included)`;
      verified = verified ? `${verified}; ${processCheck}` : processCheck;
    }

    const memory = servers.flatMap((entry) => memoryPeaksOf(entry.server, entry.clustered));
    const finishedAt = new Date();
    const table = markdownTable(rows);
    const peaksTable = memoryTable(memory);
    const errorLines = Object.values(serverErrors).flat();
    const wallSeconds = Math.round((finishedAt.getTime() - startedAt.getTime()) / 1000);
    const missed = [
      ...rows.filter((row) => row.target && !targetMet(row.target)).map((row) => row.measurement),
      ...memory
        .filter((peak) => !memoryTargetMet(peak))
        .map((peak) => `peak RSS of ${peak.server} ${peak.process} ${peak.pid}: ${peak.peakMiB} MiB`),
    ];
    const loadAverageAtEnd = os.loadavg();
    const file = writeResults({
      startedAt,
      finishedAt,
      wallSeconds,
      commit: gitCommit(),
      machine: {
        cpus: cores,
        cpuModel: os.cpus()[0]?.model,
        node: process.version,
        loadAverageAtEnd,
      },
      steps: [...steps],
      serverNodeOptions: process.env.BENCH_SERVER_NODE_OPTIONS ?? null,
      serverEnvironment: serverEnvironment(),
      plan: PLAN,
      rows,
      signInCeilingPerSecond: ceiling ?? null,
      peakServerMemoryMiB: Object.fromEntries(
        servers.map((entry) => [entry.server.name, Math.round(entry.server.peakMemoryKiB() / 1024)]),
      ),
      peakMemoryByProcess: memory,
      serverErrorLines: serverErrors,
      signInCheck: verified ?? null,
      export: exported ?? null,
      missedTargets: missed,
      table,
      memoryTable: peaksTable,
    });
    console.log(`\n${table}\n\n${peaksTable}\n`);
    console.log(
      `Server log: ${errorLines.length} error lines${errorLines.length ? `:\n  ${errorLines.slice(0, 10).join("\n  ")}` : " (no 5xx, no SQLITE_BUSY)"}`,
    );
    if (verified) console.log(`Sign-ins checked: ${verified}`);
    if (exported)
      console.log(
        `CSV export of ${PLAN.seed.largeDirectoryMembers.toLocaleString("en-GB")} users: ${exported.lines.toLocaleString("en-GB")} lines (expected ${exported.expectedLines.toLocaleString("en-GB")}: ${exported.lines === exported.expectedLines ? "all there" : "MISMATCH"}), ${(exported.bytes / 1_048_576).toFixed(1)} MiB in ${exported.seconds.toFixed(1)} s; server RSS ${exported.rssBeforeMiB} MiB before, peak ${exported.peakRssMiB} MiB while streaming`,
      );
    console.log(
      `Load average at the end (1, 5, 15 min): ${loadAverageAtEnd.map((load) => load.toFixed(2)).join(", ")} on ${cores} cores`,
    );
    console.log(`Targets missed: ${missed.length ? missed.join("; ") : "none"}`);
    console.log(`Wall time ${Math.floor(wallSeconds / 60)} min ${wallSeconds % 60} s; results in ${file}`);
    if (cpuProfile) log(`CPU profiles in ${path.join(workDirectory, "profiles")} (written when the servers stop)`);
    // Errors fail the run (target 5); a missed ratio is a finding to report, not a crash.
    const failed =
      rows.some((row) => row.summary.errors + row.summary.non2xx > 0) ||
      errorLines.length > 0 ||
      (exported !== undefined && exported.lines !== exported.expectedLines);
    if (failed) process.exitCode = 1;
    finished = !failed;
  } finally {
    db.$client.close();
    await Promise.all(running().map((server) => server.stop()));
    // Kept when something went wrong (server logs) or profiles were asked for.
    if (finished && !cpuProfile) fs.rmSync(workDirectory, { recursive: true, force: true });
    else log(`server logs kept in ${workDirectory}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
