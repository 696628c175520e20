import cluster from "node:cluster";
import path from "node:path";
import { PROCESS_MEMORY_ENVIRONMENT } from "./server";

/*
 * A stand-in for `npm start` (scripts/start.mjs, written for issue 18) with
 * the same interface, so the bench can measure one process per core before
 * that is merged: WEB_CONCURRENCY workers, each a `next start` on PORT, which
 * node:cluster's primary shares among them. Delete it once scripts/start.mjs
 * exists; bench/server.ts prefers that file.
 */

const processes = Math.max(1, Number(process.env.WEB_CONCURRENCY) || 1);
const port = process.env.PORT ?? "3000";
const host = process.env.HOSTNAME ?? "127.0.0.1";

// The workers run Next alone: not tsx, which only this primary needs.
cluster.setupPrimary({
  exec: path.join(process.cwd(), "node_modules", "next", "dist", "bin", "next"),
  args: ["start", "-H", host, "-p", port],
  execArgv: [],
});
// What scripts/start.mjs should set for its workers too: without it each one peaks near 400 MiB under sign-ins.
for (let index = 0; index < processes; index++) cluster.fork(PROCESS_MEMORY_ENVIRONMENT);

let stopping = false;
cluster.on("exit", (worker, code, signal) => {
  if (stopping) return;
  console.error(`Error: worker ${worker.process.pid} exited (${signal ?? code})`);
  process.exitCode = 1;
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    setTimeout(() => process.exit(), 10_000).unref();
    cluster.on("exit", () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit();
    });
  });
}
