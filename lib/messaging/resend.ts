import type { Resend } from "resend";
import { DeliveryError, PROVIDER_TIMEOUT_MS, type EmailTransport } from "@/lib/messaging/types";

export type ResendOptions = {
  apiKey: string;
  /** "Acme <no-reply@acme.example>": a sender on a domain verified with Resend. */
  from: string;
  /** Where the API lives when not at api.resend.com: a stand-in in tests. */
  baseUrl?: string;
  timeoutMs?: number;
};

export function resendTransport(options: ResendOptions): EmailTransport {
  // The SDK loads on the first email, not at start: a server without RESEND_API_KEY never holds it in memory.
  let client: Promise<Resend> | undefined;
  const timeoutMs = options.timeoutMs ?? PROVIDER_TIMEOUT_MS;
  return {
    name: "resend",
    async sendEmail(message) {
      const signal = AbortSignal.timeout(timeoutMs);
      // The SDK reports failures, including network errors and aborts, as `error` rather than by throwing.
      client ??= import("resend").then(
        ({ Resend }) => new Resend(options.apiKey, options.baseUrl ? { baseUrl: options.baseUrl } : undefined),
      );
      const resend = await client;
      const { error } = await resend.emails.send(
        { from: options.from, to: message.to, subject: message.subject, text: message.text, html: message.html },
        { signal },
      );
      if (!error) return;
      if (signal.aborted) throw new DeliveryError("timeout", `Resend did not answer within ${timeoutMs} ms`);
      const status = "statusCode" in error && typeof error.statusCode === "number" ? error.statusCode : null;
      const detail = `Resend ${status ?? "network"} ${error.name}: ${error.message}`;
      const rejected = status !== null && status >= 400 && status < 500 && ![401, 403, 429].includes(status);
      throw new DeliveryError(rejected ? "rejected" : "unavailable", detail);
    },
  };
}
