import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/*
 * The production server as an operator runs it, on a free loopback port,
 * with its output kept in a file for the error count: `next start`, or with
 * `processes`, `npm start`'s node:cluster primary (scripts/start.mjs) forking
 * that many `next start` workers that share the port.
 */

export type RunningServer = {
  name: string;
  origin: string;
  pid: number;
  logFile: string;
  /** Peak resident memory (VmHWM) of the server and any child it started, in KiB: the largest single process's. */
  peakMemoryKiB: () => number;
  /** Each process's own peak (VmHWM) in KiB, the root first: a cluster's primary, then its workers. */
  peakMemoryKiBByProcess: () => ProcessPeak[];
  /** Each process's resident memory now (VmRSS) in KiB, to follow one request's peak (the export's). */
  residentKiBByProcess: () => Array<{ pid: number; rssKiB: number }>;
  /** CPU time (user + system, all threads) the server and its children have used so far, in ms. */
  cpuMs: () => number;
  /** Where its log ends now, to count what a measurement made it print. */
  logOffset: () => number;
  /** Lines the server logged since `offset` that report an error (Next's "⨯", any "Error:", SQLITE_BUSY). */
  errorLinesSince: (offset: number) => string[];
  stop: () => Promise<void>;
  /** `kill -9` of the whole process group, as a power cut or the OOM killer would: no shutdown code runs. */
  killGroup: () => Promise<void>;
};

/** `command` is the kernel's name for it (/proc/<pid>/comm): "node", or a helper such as tsx's "esbuild". */
export type ProcessPeak = { pid: number; role: "root" | "child"; command: string; peakKiB: number };

export type ServerOptions = {
  name: string;
  databaseFile: string;
  authSecret: string;
  encryptionKey: string;
  logDirectory: string;
  /** A folder for a V8 CPU profile of the server (`node --cpu-prof`), to find what a missed target spends its time on. */
  cpuProfileDirectory?: string;
  /** Start it in a process group of its own, so `killGroup` can crash it and every child at once (the soak's crash phase). */
  processGroup?: boolean;
  /** Run `npm start`'s cluster (scripts/start.mjs) with WEB_CONCURRENCY set to this, instead of one `next start`. */
  processes?: number;
  /** Extra NODE_OPTIONS for every server process (V8 flags to compare). */
  nodeOptions?: string;
  /** Extra environment for every server process (glibc's MALLOC_* tunables to compare). */
  env?: Record<string, string>;
};

const STARTUP_TIMEOUT_MS = 60_000;

/**
 * glibc's allocator keeps each argon2id run's 19 MiB (lib/auth/passwords.ts)
 * in per-thread arenas after it is freed, 100 MiB and more per process under
 * sign-ins (docs/performance.md, "Memory"). With these, a block that large is
 * mapped for the hash and returned when it ends. The allocator reads them
 * only at process start, so the start path sets them: `npm start` for its
 * workers, and the bench for the `next start` servers it runs directly.
 */
export const PROCESS_MEMORY_ENVIRONMENT = { MALLOC_ARENA_MAX: "2", MALLOC_MMAP_THRESHOLD_: "1048576" };
const ERROR_LINE = /⨯|\bError:|SQLITE_BUSY/;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The process and its descendants, read from /proc: `next start` may serve from a child. */
function processTree(rootPid: number): number[] {
  const childrenOf = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      // The command name may hold spaces and parentheses; the parent pid follows its closing one.
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      childrenOf.set(parent, [...(childrenOf.get(parent) ?? []), Number(entry)]);
    } catch {
      // The process ended while we looked.
    }
  }
  const tree: number[] = [];
  const queue = [rootPid];
  while (queue.length) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(childrenOf.get(pid) ?? []));
  }
  return tree;
}

function commandOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "?";
  }
}

function statusKiB(pid: number, field: "VmHWM" | "VmRSS"): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

const CLOCK_TICKS_PER_SECOND = 100;

function cpuMsOf(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime, fields 14 and 15 of proc(5), in clock ticks.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** `npm start`'s entry (scripts/start.mjs, with WEB_CONCURRENCY and PORT). */
function clusterStartCommand(): string[] {
  return [path.join(process.cwd(), "scripts", "start.mjs")];
}

async function waitUntilServing(origin: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The server exited with code ${child.exitCode} while starting`);
    try {
      const response = await fetch(`${origin}/login`, { redirect: "manual" });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await sleep(200);
  }
  throw new Error(`The server did not answer ${origin}/login within ${STARTUP_TIMEOUT_MS / 1000} s`);
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  fs.mkdirSync(options.logDirectory, { recursive: true });
  const logFile = path.join(options.logDirectory, `${options.name}.log`);
  const log = fs.openSync(logFile, "w");
  const nextBin = path.join(process.cwd(), "node_modules", "next", "dist", "bin", "next");
  const nodeFlags = options.cpuProfileDirectory ? ["--cpu-prof", `--cpu-prof-dir=${options.cpuProfileDirectory}`] : [];
  const command =
    options.processes === undefined
      ? [...nodeFlags, nextBin, "start", "-H", "127.0.0.1", "-p", String(port)]
      : [...nodeFlags, ...clusterStartCommand()];
  const child = spawn(process.execPath, command, {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: `file:${options.databaseFile}`,
      AUTH_SECRET: options.authSecret,
      APP_ENCRYPTION_KEY: options.encryptionKey,
      APP_URL: origin,
      // The bench plays the reverse proxy: each virtual user sends its own X-Forwarded-For (bench/sign-in-steps.ts).
      TRUSTED_PROXIES: "1",
      // No providers: messages stay in the outbox, which production refuses without this.
      OUTBOX_IN_PRODUCTION: "1",
      ...(options.processes === undefined
        ? PROCESS_MEMORY_ENVIRONMENT
        : { WEB_CONCURRENCY: String(options.processes), PORT: String(port), HOSTNAME: "127.0.0.1" }),
      ...(options.nodeOptions ? { NODE_OPTIONS: options.nodeOptions } : {}),
      ...options.env,
    },
    stdio: ["ignore", log, log],
    detached: options.processGroup ?? false,
  });
  fs.closeSync(log);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // Read before exit, when /proc still has them; the root pid is the one we started. Kept per pid, so a
  // worker that ended (or was replaced) still counts with the peak it reached.
  const peaks = new Map<number, ProcessPeak>();
  const peakMemoryKiBByProcess = () => {
    if (child.exitCode === null) {
      for (const pid of processTree(child.pid!)) {
        const peakKiB = Math.max(peaks.get(pid)?.peakKiB ?? 0, statusKiB(pid, "VmHWM"));
        const command = peaks.get(pid)?.command ?? commandOf(pid);
        peaks.set(pid, { pid, role: pid === child.pid ? "root" : "child", command, peakKiB });
      }
    }
    return [...peaks.values()];
  };
  const peakMemoryKiB = () => Math.max(0, ...peakMemoryKiBByProcess().map((entry) => entry.peakKiB));

  try {
    await waitUntilServing(origin, child);
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`${(error as Error).message}; see ${logFile}`);
  }

  return {
    name: options.name,
    origin,
    pid: child.pid!,
    logFile,
    peakMemoryKiB,
    peakMemoryKiBByProcess,
    residentKiBByProcess: () => processTree(child.pid!).map((pid) => ({ pid, rssKiB: statusKiB(pid, "VmRSS") })),
    cpuMs: () => processTree(child.pid!).reduce((total, pid) => total + cpuMsOf(pid), 0),
    logOffset: () => fs.statSync(logFile).size,
    errorLinesSince(offset) {
      const text = fs.readFileSync(logFile).subarray(offset).toString("utf8");
      return text.split("\n").filter((line) => ERROR_LINE.test(line));
    },
    async killGroup() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(options.processGroup ? -child.pid! : child.pid!, "SIGKILL");
      } catch {
        // Already gone.
      }
      await exited;
    },
    async stop() {
      peakMemoryKiB();
      if (child.exitCode !== null) return;
      // SIGINT, like Ctrl-C: Node writes a --cpu-prof profile only on an orderly exit.
      const children = processTree(child.pid!).slice(1);
      child.kill("SIGINT");
      for (const pid of children) {
        try {
          process.kill(pid, "SIGINT");
        } catch {
          // Already gone.
        }
      }
      const stopped = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
      if (!stopped) {
        child.kill("SIGKILL");
        await exited;
      }
    },
  };
}
