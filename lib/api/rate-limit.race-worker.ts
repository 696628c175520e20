/*
 * One server process, as far as the race test in rate-limit.test.ts is
 * concerned: its own connection to the shared database file, waiting at a
 * barrier, then making a few API requests with one token as fast as it can.
 */
import { parentPort, workerData } from "node:worker_threads";
import { openSqliteDatabase } from "@/db";
import { hitApiRateLimit } from "@/lib/api/rate-limit";

const { file, tokenId, limit, hits, barrier, now } = workerData as {
  file: string;
  tokenId: number;
  limit: number;
  hits: number;
  barrier: SharedArrayBuffer;
  now: number;
};
const db = openSqliteDatabase(file);
const flag = new Int32Array(barrier);
Atomics.add(flag, 1, 1);
Atomics.wait(flag, 0, 0);
// No top-level await: tsx compiles this worker as CommonJS.
void (async () => {
  const allowed: boolean[] = [];
  for (let i = 0; i < hits; i++) allowed.push((await hitApiRateLimit(db, tokenId, limit, new Date(now))).allowed);
  db.$client.close();
  parentPort?.postMessage(allowed);
})();
