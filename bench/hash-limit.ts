import { hashPassword, verifyPassword } from "@/lib/auth/passwords";
import type { Samples } from "./samples";

/*
 * The ceiling for sign-ins: argon2id verification alone, at the app's own
 * parameters and through its own function, in this one process. Several
 * verifications are kept in flight (as many as libuv's thread pool runs at
 * once, the same pool the server hashes on) so that every core is busy.
 */

/** libuv's default thread pool size, which the server runs with too. */
export const HASHES_IN_FLIGHT = Number(process.env.UV_THREADPOOL_SIZE) || 4;
const PASSWORD = "bench-hash-limit-password";

let storedHash: Promise<string> | undefined;

/** Verifies for `seconds`, `inFlight` at a time, adding each verification to `samples` (none for a warm-up). */
export async function runHashing(seconds: number, samples?: Samples, inFlight = HASHES_IN_FLIGHT): Promise<void> {
  storedHash ??= hashPassword(PASSWORD);
  const hash = await storedHash;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const lane = async () => {
    while (performance.now() < deadline) {
      const begun = performance.now();
      const verified = await verifyPassword(hash, PASSWORD);
      samples?.record(performance.now() - begun, verified ? "ok" : "error");
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  samples?.addMeasuredTime(performance.now() - started);
}
