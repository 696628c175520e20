import autocannon from "autocannon";
import type { Samples } from "./samples";

/*
 * Page loads through autocannon: keep-alive connections each sending the
 * next request as soon as the last one is answered, for a fixed time.
 */

/** What a browser sends for a page, so the server does a browser's work (gzip included). */
export const BROWSER_HEADERS = {
  accept: "text/html,application/xhtml+xml",
  "accept-encoding": "gzip",
  "user-agent": "Mozilla/5.0 (X11; Linux x86_64) twofold-bench",
};

export type PageLoad = {
  url: string;
  connections: number;
  seconds: number;
  /** The Cookie header of each connection, so each can be a different signed-in user. */
  cookieOfConnection?: (index: number) => string;
};

/** Runs `load`, adding its responses to `samples` (or discarding them, for a warm-up). */
export async function runPageLoad(load: PageLoad, samples?: Samples): Promise<void> {
  let connection = 0;
  const instance = autocannon({
    url: load.url,
    connections: load.connections,
    duration: load.seconds,
    timeout: 30,
    headers: BROWSER_HEADERS,
    setupClient: load.cookieOfConnection
      ? (client) => client.setHeaders({ ...BROWSER_HEADERS, cookie: load.cookieOfConnection!(connection++) })
      : undefined,
  });
  if (samples) {
    instance.on("response", (_client, statusCode, _bytes, milliseconds) => {
      samples.record(milliseconds, statusCode >= 200 && statusCode < 300 ? "ok" : "non2xx");
    });
    instance.on("reqError", () => samples.recordError());
  }
  const result = await instance;
  samples?.addMeasuredTime(result.duration * 1000);
}
