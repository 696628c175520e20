/*
 * Set when this process has been told to stop: /readyz then answers 503 so a
 * load balancer sends nothing new while the requests in flight finish. Kept on
 * globalThis because the route handlers and instrumentation are bundled apart
 * (as lib/auth/hashing-queue.ts explains).
 */
const globalForDraining = globalThis as typeof globalThis & { twofoldDraining?: boolean };

export function markDraining(): void {
  globalForDraining.twofoldDraining = true;
}

export function isDraining(): boolean {
  return globalForDraining.twofoldDraining === true;
}
