/**
 * Tells `npm start`'s primary (scripts/start.mjs) that this worker finished
 * starting, so a later exit is a crash to replace, not a configuration error
 * to report and stop on. No-op outside that primary.
 */
export function announceReady(): void {
  if (process.env.TWOFOLD_CLUSTER_WORKER === "1" && typeof process.send === "function") {
    process.send({ twofold: "ready" });
  }
}
