import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import type { WebhookTarget } from "@/lib/webhooks/address-rule";

/** A receiver has this long to answer (connect, send and status line together). */
export const DELIVERY_TIMEOUT_MS = 10_000;

export type PostOutcome = { status: number } | { error: string };

/**
 * POSTs `body` to the checked target, connecting to the address that was
 * checked rather than resolving the name again (DNS rebinding, ASVS 5.0
 * V15.3.2). TLS still verifies the certificate against the host name.
 * Redirects are not followed (a 3xx is a failed attempt), and the response
 * body is never read: only its status counts.
 */
export async function postToWebhook(
  target: WebhookTarget,
  headers: Record<string, string>,
  body: string,
  timeoutMs = DELIVERY_TIMEOUT_MS,
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
      clearTimeout(timer);
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
    const timer = setTimeout(() => finish({ error: "No answer within 10 seconds" }), timeoutMs);
    request.on("error", (error: NodeJS.ErrnoException) =>
      finish({ error: error.code ? `Could not connect (${error.code})` : "Could not connect" }),
    );
    request.end(body);
  });
}
