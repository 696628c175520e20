import argon2 from "argon2";
import { hashingQueue } from "@/lib/auth/hashing-queue";

/** OWASP's argon2id recommendation: 19 MiB of memory, 2 iterations, 1 degree of parallelism. */
export const ARGON2_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19 * 1024,
  timeCost: 2,
  parallelism: 1,
} as const;

/** Hashes through the global hashing queue: throws HashingBusy when it is full. */
export function hashPassword(password: string): Promise<string> {
  return hashingQueue().run(() => argon2.hash(password, ARGON2_OPTIONS));
}

// Verified against when the email is unknown, so that an unknown email costs
// the same time as a wrong password and does not reveal which accounts exist.
// Made once, outside the queue: a refusal must not be cached in its place.
let dummyHash: Promise<string> | undefined;

/**
 * Checks a password against a stored hash, or against a dummy hash when there
 * is none. Both go through the hashing queue (throwing HashingBusy when it is
 * full), so a flood of unknown emails is limited like any other.
 */
export async function verifyPassword(storedHash: string | null | undefined, password: string): Promise<boolean> {
  dummyHash ??= argon2.hash("twofold-dummy-password-for-timing", ARGON2_OPTIONS);
  const hash = storedHash ?? (await dummyHash);
  return hashingQueue().run(async () => {
    try {
      const matches = await argon2.verify(hash, password);
      return matches && Boolean(storedHash);
    } catch {
      // A corrupt stored hash must fail closed, not crash the sign-in.
      return false;
    }
  });
}

/** True when a hash was made with weaker parameters than today's and should be replaced at next sign-in. */
export function passwordNeedsRehash(hash: string): boolean {
  return argon2.needsRehash(hash, ARGON2_OPTIONS);
}
