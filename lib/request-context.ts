const USER_AGENT_MAX_LENGTH = 512;

/**
 * The client's address as seen by the nearest reverse proxy: the right-most
 * X-Forwarded-For entry is the one that proxy appended, so the client cannot
 * choose it. Next.js sets the header from the socket when no proxy did.
 */
export function clientIp(headers: Headers): string | null {
  const forwarded = headers.get("x-forwarded-for");
  const candidate = forwarded?.split(",").at(-1)?.trim() || headers.get("x-real-ip")?.trim();
  if (!candidate) return null;
  const unwrapped = candidate.startsWith("::ffff:") ? candidate.slice("::ffff:".length) : candidate;
  return unwrapped.slice(0, 64);
}

export function clientUserAgent(headers: Headers): string | null {
  return headers.get("user-agent")?.slice(0, USER_AGENT_MAX_LENGTH) || null;
}

/** Whether the browser reached us over HTTPS (directly or through a TLS-terminating proxy). */
export function isSecureRequest(headers: Headers): boolean {
  return headers.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https";
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
