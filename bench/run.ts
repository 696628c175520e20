// `npm run bench`: builds if needed, seeds fresh databases, starts the
// production server on 127.0.0.1, measures, and reports ratios against
// baselines taken in the same run. `-- --cpu-prof` also writes V8 CPU
// profiles of the servers, to find where a missed target's time goes.
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openSqliteDatabase } from "@/db";
import { createSession } from "@/lib/auth/sessions";
import { sessionCookie } from "@/lib/auth/cookie-definitions";
import { countActiveSessionsOf } from "./db-checks";
import { measureDirectory } from "./measure-directory";
import { measurePages } from "./measure-pages";
import { measureCodeStep, measureSignIn, prepareHalfSignedInSessions } from "./measure-sign-in";
import { ensureProductionBuild } from "./production-build";
import { markdownTable, targetMet, writeResults, type Row } from "./report";
import { seedDirectoryDatabase, seedMainDatabase } from "./seed";
import { startServer, type RunningServer } from "./server";

/** Fixed times and sizes: about five minutes of measuring on 2 cores, plus a build when the sources changed. */
const PLAN = {
  pages: { connections: [16, 64], rounds: 2, seconds: 6, warmUpSeconds: 8 },
  signIn: { virtualUsers: 16, rounds: 2, seconds: 10, hashSeconds: 5, warmUpSeconds: 3 },
  codeStep: { virtualUsers: 16, seconds: 10, warmUpSeconds: 3 },
  // An admin's list is read by a few people at a time, not by a crowd.
  directory: { connections: 4, rounds: 3, seconds: 3, warmUpSeconds: 2 },
  seed: { pageUsers: 64, signInUsers: 3_000, codeUsers: 4_000, directoryMembers: 100, largeDirectoryMembers: 100_000 },
};

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
  });

  log(`seeding fresh databases in ${workDirectory}`);
  const seed = await seedMainDatabase(mainDatabase, encryptionKey, PLAN.seed);
  const large = await seedDirectoryDatabase(largeDatabase, PLAN.seed.largeDirectoryMembers);

  const rows: Row[] = [];
  let finished = false;
  const serverErrors: Record<string, string[]> = {};
  const servers: RunningServer[] = [];
  const db = openSqliteDatabase(mainDatabase);
  try {
    const server = await startServer(serverOptions("main", mainDatabase));
    servers.push(server);
    log(`server on ${server.origin} (pid ${server.pid})`);

    // Signed in beforehand, as the dashboard's visitors were long before they load it.
    const pageCookies = await Promise.all(
      seed.pageUsers.map(
        async (user) =>
          `${SESSION_COOKIE}=${(await createSession(db, { userId: user.id, stage: "active", context: localContext })).token}`,
      ),
    );
    log("1/4 signed-in page against signed-out page");
    const pages = await watchingServerLogs(servers, () => measurePages(server, pageCookies, PLAN.pages));
    rows.push(...pages.result);
    serverErrors.pages = pages.serverErrors;

    log("2/4 full sign-in against argon2id alone");
    const signIn = await watchingServerLogs(servers, () => measureSignIn(server, seed.signInUsers, PLAN.signIn));
    rows.push(...signIn.result.rows);
    serverErrors.signIn = signIn.serverErrors;
    const activeAfterSignIn = await countActiveSessionsOf(
      db,
      seed.signInUsers.map((user) => user.id),
    );

    log("3/4 code step alone");
    const halfSignedIn = await prepareHalfSignedInSessions(db, seed.codeUsers);
    const codeStep = await watchingServerLogs(servers, () => measureCodeStep(server, halfSignedIn, PLAN.codeStep));
    rows.push(...codeStep.result.rows);
    serverErrors.codeStep = codeStep.serverErrors;

    log(
      `4/4 admin user list: ${PLAN.seed.directoryMembers} against ${PLAN.seed.largeDirectoryMembers.toLocaleString("en-GB")} users`,
    );
    const largeServer = await startServer(serverOptions("directory-100000", largeDatabase));
    servers.push(largeServer);
    const largeDb = openSqliteDatabase(largeDatabase);
    const largeAdminToken = (
      await createSession(largeDb, {
        userId: large.directoryAdmin.id,
        stage: "active",
        context: localContext,
      })
    ).token;
    largeDb.$client.close();
    const smallAdminToken = (
      await createSession(db, {
        userId: seed.directoryAdmin.id,
        stage: "active",
        context: localContext,
      })
    ).token;
    const directory = await watchingServerLogs(servers, () =>
      measureDirectory(
        { server, sessionCookie: `${SESSION_COOKIE}=${smallAdminToken}`, members: PLAN.seed.directoryMembers },
        {
          server: largeServer,
          sessionCookie: `${SESSION_COOKIE}=${largeAdminToken}`,
          members: PLAN.seed.largeDirectoryMembers,
        },
        PLAN.directory,
      ),
    );
    rows.push(...directory.result);
    serverErrors.directory = directory.serverErrors;

    const memory = Object.fromEntries(
      servers.map((running) => [running.name, Math.round(running.peakMemoryKiB() / 1024)]),
    );
    const finishedAt = new Date();
    const table = markdownTable(rows);
    const errorLines = Object.values(serverErrors).flat();
    const verified = `${activeAfterSignIn} active sessions in the database for ${signIn.result.completedSignIns} sign-ins the client counted (warm-up included)`;
    const wallSeconds = Math.round((finishedAt.getTime() - startedAt.getTime()) / 1000);
    const missed = rows.filter((row) => row.target && !targetMet(row.target)).map((row) => row.measurement);
    const file = writeResults({
      startedAt,
      finishedAt,
      wallSeconds,
      commit: gitCommit(),
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model,
        node: process.version,
        loadAverageAtEnd: os.loadavg(),
      },
      plan: PLAN,
      rows,
      peakServerMemoryMiB: memory,
      serverErrorLines: serverErrors,
      signInCheck: verified,
      missedTargets: missed,
      table,
    });
    console.log(`\n${table}\n`);
    console.log(
      `Peak server memory (VmHWM): ${Object.entries(memory)
        .map(([name, mib]) => `${name} ${mib} MiB`)
        .join(", ")}`,
    );
    console.log(
      `Server log: ${errorLines.length} error lines${errorLines.length ? `:\n  ${errorLines.slice(0, 10).join("\n  ")}` : " (no 5xx, no SQLITE_BUSY)"}`,
    );
    console.log(`Sign-ins checked: ${verified}`);
    console.log(
      `Load average at the end (1, 5, 15 min): ${os
        .loadavg()
        .map((load) => load.toFixed(2))
        .join(", ")} on ${os.cpus().length} cores`,
    );
    console.log(`Targets missed: ${missed.length ? missed.join("; ") : "none"}`);
    console.log(`Wall time ${Math.floor(wallSeconds / 60)} min ${wallSeconds % 60} s; results in ${file}`);
    if (cpuProfile) log(`CPU profiles in ${path.join(workDirectory, "profiles")} (written when the servers stop)`);
    // Errors fail the run (target 5); a missed ratio is a finding to report, not a crash.
    const failed = rows.some((row) => row.summary.errors + row.summary.non2xx > 0) || errorLines.length > 0;
    if (failed) process.exitCode = 1;
    finished = !failed;
  } finally {
    db.$client.close();
    await Promise.all(servers.map((running) => running.stop()));
    // Kept when something went wrong (server logs) or profiles were asked for.
    if (finished && !cpuProfile) fs.rmSync(workDirectory, { recursive: true, force: true });
    else log(`server logs kept in ${workDirectory}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
