/** The password hashing queue (lib/auth/hashing-queue.ts) is full. Apart from it so client bundles can name it without node:os. */
export class HashingBusy extends Error {
  override name = "HashingBusy";
  constructor(readonly retryAfterSeconds: number) {
    super(`Password hashing is saturated; retry in ${retryAfterSeconds} s`);
  }
}

/** What a form says when the queue turned it away. */
export function busyMessage(retryAfterSeconds: number): string {
  return `Twofold is busy. Try again in ${retryAfterSeconds} second${retryAfterSeconds === 1 ? "" : "s"}.`;
}
