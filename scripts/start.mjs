// `npm start`: Next.js's own production server (`next start`), run once per
// process that WEB_CONCURRENCY asks for (default: one per core). One Next.js
// process renders on one core; node:cluster lets several share one port.
//
// Each worker is plain `next start` with the arguments given here (-H, -p,
// or PORT from the environment), so Next.js keeps its behaviour, including
// its SIGTERM handling: stop accepting connections, finish the requests in
// flight, exit (next/dist/server/lib/start-server.js). This primary only
// forks, forwards the signal, and decides what a worker's exit means.
// Plain JavaScript: production needs no tsx.
import cluster from "node:cluster";
import { createRequire } from "node:module";
import os from "node:os";
import { describeExit, planProcesses, RestartBudget, stoppedOnRequest } from "./cluster-plan.mjs";

/** How long a graceful stop may take before the workers are killed (load balancers commonly wait 30 s). */
const SHUTDOWN_TIMEOUT_MS = 25_000;
/** At most this many replacements of crashed workers in RESTART_WINDOW_MS; then the server stops. */
const RESTART_LIMIT = 5;
const RESTART_WINDOW_MS = 10 * 60_000;

const require = createRequire(import.meta.url);
// The .env files, read as `next start` reads them, so WEB_CONCURRENCY and HASH_CONCURRENCY may be set there too.
createRequire(require.resolve("next/package.json"))("@next/env").loadEnvConfig(process.cwd(), false, {
  info: () => {}, // each `next start` says which files it loaded
  error: console.error,
});
const cores = os.availableParallelism();
const plan = planProcesses(process.env, cores);
if (plan.error) {
  console.error(`Twofold cannot start: ${plan.error}`);
  process.exit(1);
}

cluster.setupPrimary({ exec: require.resolve("next/dist/bin/next"), args: ["start", ...process.argv.slice(2)] });

/** Workers that said they finished starting (lib/deployment/ready-signal.ts). */
const ready = new Set();
const budget = new RestartBudget(RESTART_LIMIT, RESTART_WINDOW_MS);
let stopping = false;
let exitCode = 0;

function fork() {
  const worker = cluster.fork({
    TWOFOLD_CLUSTER_WORKER: "1",
    HASH_CONCURRENCY: plan.hashConcurrency,
    // glibc keeps freed memory in an arena per thread: argon2's 19 MiB blocks, hashed on libuv's
    // threads, would stay resident in each. Two arenas, and big blocks mapped and unmapped directly,
    // keep a worker's peak near 240 MiB instead of 320-400 (docs/performance.md). Read at process start.
    MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? "2",
    MALLOC_MMAP_THRESHOLD_: process.env.MALLOC_MMAP_THRESHOLD_ ?? "1048576",
  });
  worker.on("message", (message) => {
    if (message?.twofold !== "ready") return;
    ready.add(worker.id);
    if (ready.size === plan.processes)
      console.log(
        `Twofold: ${plan.processes} server process(es) ready, hashing ${plan.hashConcurrency} at a time each.`,
      );
  });
}

function stop(signal, code) {
  exitCode = Math.max(exitCode, code);
  if (stopping) return;
  stopping = true;
  const workers = Object.values(cluster.workers ?? {});
  if (workers.length === 0) process.exit(exitCode);
  for (const worker of workers) worker.process.kill(signal);
  setTimeout(() => {
    const left = Object.values(cluster.workers ?? {});
    console.error(
      `Twofold: ${left.length} server process(es) still finishing requests after ${SHUTDOWN_TIMEOUT_MS / 1000} s; stopping them now.`,
    );
    for (const worker of left) worker.process.kill("SIGKILL");
    process.exit(1);
  }, SHUTDOWN_TIMEOUT_MS);
}

cluster.on("exit", (worker, code, signal) => {
  const wasReady = ready.delete(worker.id);
  if (stopping) {
    if (!stoppedOnRequest(code, signal)) exitCode = 1;
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(exitCode);
    return;
  }
  if (!wasReady) {
    // A configuration error stops every process the same way: say so once and stop, never respawn it.
    console.error(
      `Twofold: a server process stopped while starting (${describeExit(code, signal)}); its message is above. Stopping.`,
    );
    stop("SIGTERM", 1);
    return;
  }
  if (budget.allow(Date.now())) {
    console.error(
      `Twofold: server process ${worker.process.pid} stopped unexpectedly (${describeExit(code, signal)}); starting a replacement (${budget.used} of ${RESTART_LIMIT} allowed in ${RESTART_WINDOW_MS / 60_000} minutes).`,
    );
    fork();
    return;
  }
  console.error(
    `Twofold: server processes stopped unexpectedly ${RESTART_LIMIT + 1} times in ${RESTART_WINDOW_MS / 60_000} minutes; stopping instead of restarting again.`,
  );
  stop("SIGTERM", 1);
});

for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => stop(signal, 0));

if (plan.processes > cores)
  console.warn(`Twofold: WEB_CONCURRENCY=${plan.processes} is more than the ${cores} core(s) here.`);
for (let index = 0; index < plan.processes; index++) fork();
