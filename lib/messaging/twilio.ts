import type twilio from "twilio";
import { DeliveryError, PROVIDER_TIMEOUT_MS, type SmsTransport } from "@/lib/messaging/types";

export type TwilioOptions = {
  accountSid: string;
  authToken: string;
  /** A Twilio number (E.164) or a Messaging Service SID (MG…). */
  from: string;
  /** Where the API lives when not at api.twilio.com: a stand-in in tests, or an egress proxy. */
  baseUrl?: string;
  timeoutMs?: number;
};

/**
 * Twilio's client builds every URL on api.twilio.com; this keeps its request
 * building, auth and error handling and only swaps the origin. Made when the
 * SDK loads, since it extends the SDK's class.
 */
function originRewritingClient(sdk: typeof twilio, origin: URL, timeout: number) {
  class OriginRewritingClient extends sdk.RequestClient {
    override request<TData>(options: Parameters<typeof twilio.RequestClient.prototype.request<TData>>[0]) {
      const uri = new URL(options.uri);
      uri.protocol = origin.protocol;
      uri.host = origin.host;
      return super.request<TData>({ ...options, uri: uri.href });
    }
  }
  return new OriginRewritingClient({ timeout });
}

/** The SDK (several megabytes of code) loads on the first text message, not at start. */
async function twilioClient(options: TwilioOptions, timeout: number) {
  const { default: sdk } = await import("twilio");
  return sdk(options.accountSid, options.authToken, {
    timeout,
    ...(options.baseUrl ? { httpClient: originRewritingClient(sdk, new URL(options.baseUrl), timeout) } : {}),
  });
}

/** Twilio answers 4xx for a message it will never send (bad or unreachable number, blocked content). */
function failureOf(error: unknown): DeliveryError {
  const status = typeof error === "object" && error && "status" in error ? Number(error.status) : NaN;
  const code = typeof error === "object" && error && "code" in error ? String(error.code) : "";
  const message = error instanceof Error ? error.message : String(error);
  if (code === "ECONNABORTED" || code === "ETIMEDOUT" || /timeout/i.test(message))
    return new DeliveryError("timeout", message);
  if (status >= 400 && status < 500 && status !== 401 && status !== 403 && status !== 429) {
    return new DeliveryError("rejected", `Twilio ${status} ${code}: ${message}`);
  }
  return new DeliveryError("unavailable", Number.isNaN(status) ? message : `Twilio ${status} ${code}: ${message}`);
}

export function twilioTransport(options: TwilioOptions): SmsTransport {
  const timeout = options.timeoutMs ?? PROVIDER_TIMEOUT_MS;
  let client: ReturnType<typeof twilioClient> | undefined;
  const sender = options.from.startsWith("MG") ? { messagingServiceSid: options.from } : { from: options.from };
  return {
    name: "twilio",
    async sendSms(message) {
      try {
        client ??= twilioClient(options, timeout);
        await (await client).messages.create({ to: message.to, body: message.body, ...sender });
      } catch (error) {
        throw failureOf(error);
      }
    },
  };
}
