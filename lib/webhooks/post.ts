import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import type { WebhookTarget } from "@/lib/webhooks/address-rule";

/** The receiver did not answer before the attempt's deadline. */
export const DEADLINE_TEXT = "No answer in time (name lookup, connection and response together)";

export type PostOutcome = { status: number } | { error: string };

/**
 * POSTs `body` to the checked target, connecting to the address that was
 * checked rather than resolving the name again (DNS rebinding, ASVS 5.0
 * V15.3.2). TLS still verifies the certificate against the host name.
 * Redirects are not followed (a 3xx is a failed attempt), and the response
 * body is never read: only its status counts. `signal` is the attempt's
 * deadline (lib/webhooks/queue.ts), which also covered the name lookup.
 */
export async function postToWebhook(
  target: WebhookTarget,
  headers: Record<string, string>,
  body: string,
  signal: AbortSignal,
): Promise<PostOutcome> {
  const { address, family } = target.address;
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
  const client = target.url.protocol === "https:" ? https : http;
  return await new Promise<PostOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: PostOutcome) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener("abort", onAbort);
      request.destroy();
      resolve(outcome);
    };
    const request = client.request(
      target.url,
      {
        method: "POST",
        lookup: pinned,
        agent: false,
        headers: {
          ...headers,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          "user-agent": "Twofold-Webhooks/1",
        },
      },
      (response) => {
        // Bounded read: nothing of the body is kept or echoed into the log.
        response.resume();
        finish({ status: response.statusCode ?? 0 });
      },
    );
    const onAbort = () => finish({ error: DEADLINE_TEXT });
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort);
    request.on("error", (error: NodeJS.ErrnoException) =>
      finish({ error: error.code ? `Could not connect (${error.code})` : "Could not connect" }),
    );
    request.end(body);
  });
}
