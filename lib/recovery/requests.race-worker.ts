/*
 * One server process, as far as the race test in requests.test.ts is
 * concerned: its own connection to the shared database file, waiting at a
 * barrier, then pressing "I can't use any of my methods" a few times.
 */
import { parentPort, workerData } from "node:worker_threads";
import { closeDatabase, openSqliteDatabase } from "@/db";
import { openRecoveryRequest } from "@/lib/recovery/requests";

const { file, organisationId, userId, presses, barrier, now } = workerData as {
  file: string;
  organisationId: number;
  userId: number;
  presses: number;
  barrier: SharedArrayBuffer;
  now: number;
};
// A CommonJS worker: no top-level await.
async function press(): Promise<void> {
  const db = openSqliteDatabase(file);
  const flag = new Int32Array(barrier);
  Atomics.add(flag, 1, 1);
  Atomics.wait(flag, 0, 0);
  const outcomes: string[] = [];
  for (let i = 0; i < presses; i++) {
    outcomes.push(
      (
        await openRecoveryRequest(
          db,
          { organisationId, userId, context: { ip: "203.0.113.7", userAgent: "race" } },
          new Date(now),
        )
      ).outcome,
    );
  }
  await closeDatabase(db);
  parentPort?.postMessage(outcomes);
}

void press();
