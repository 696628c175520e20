import { getEdgeSettings } from "@/lib/env";
import { clientAddress, type TrustedProxies } from "@/lib/trusted-proxies";

const USER_AGENT_MAX_LENGTH = 512;

/**
 * The client's address: the X-Forwarded-For entry TRUSTED_PROXIES says our
 * own proxies wrote (lib/trusted-proxies). Without a proxy, proxy.ts drops a
 * client's own header, so Next.js writes the socket's address there instead.
 */
export function clientIp(headers: Headers, trusted: TrustedProxies = getEdgeSettings().TRUSTED_PROXIES): string | null {
  return clientAddress(headers.get("x-forwarded-for"), trusted)?.slice(0, 64) ?? null;
}

export function clientUserAgent(headers: Headers): string | null {
  return headers.get("user-agent")?.slice(0, USER_AGENT_MAX_LENGTH) || null;
}

export type RequestContext = { ip: string | null; userAgent: string | null };

export function requestContext(headers: Headers): RequestContext {
  return { ip: clientIp(headers), userAgent: clientUserAgent(headers) };
}

/** One cookie's value from a raw Cookie header (Auth.js hands authorize() a plain Request). */
export function readCookie(headers: Headers, name: string): string | null {
  for (const part of headers.get("cookie")?.split(";") ?? []) {
    const separator = part.indexOf("=");
    if (separator > 0 && part.slice(0, separator).trim() === name) {
      try {
        return decodeURIComponent(part.slice(separator + 1).trim());
      } catch {
        return null;
      }
    }
  }
  return null;
}
