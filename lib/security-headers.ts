/*
 * The per-request security headers proxy.ts puts on every response (the
 * static ones, which need no request, are in next.config.ts). A pure
 * function of the nonce and the settings, so a table test can pin it down.
 */

export type SecurityHeaderSettings = {
  nonce: string;
  /** APP_URL: HSTS and upgrade-insecure-requests only when people reach Twofold over https. */
  appUrl: string | undefined;
  /** `next dev` evaluates code with eval() for its fast refresh; a production build never does. */
  development: boolean;
};

/** 128 random bits, base64: unguessable for each response (CSP Level 3 §7.1 asks for at least 128). */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}

function servedOverHttps(appUrl: string | undefined): boolean {
  if (!appUrl) return false;
  try {
    return new URL(appUrl).protocol === "https:";
  } catch {
    return false;
  }
}

/**
 * A strict, nonce-based policy (OWASP ASVS 5.0 V3.4.3): a script runs only
 * if the server gave it this response's nonce, or a script that had it loaded
 * it ('strict-dynamic', which is how Next.js loads its chunks). Styles: the
 * Tailwind stylesheet is a file ('self'); Next.js and React also add <style>
 * and style attributes (the route announcer, error overlays, React's
 * precedence styles) that carry no nonce, so style-src allows inline styles.
 * CSS cannot run script; the risk accepted is CSS-based exfiltration of page
 * text, which needs an injection our escaping already prevents.
 */
export function contentSecurityPolicy({ nonce, appUrl, development }: SecurityHeaderSettings): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    // QR codes for authenticator apps are data: URLs.
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(servedOverHttps(appUrl) ? ["upgrade-insecure-requests"] : []),
  ];
  return directives.join("; ");
}

/** Two years, subdomains included (OWASP ASVS 5.0 V3.4.1); never over http, where browsers ignore it anyway. */
export const HSTS_VALUE = "max-age=63072000; includeSubDomains";

export function securityHeaders(settings: SecurityHeaderSettings): Record<string, string> {
  return {
    "Content-Security-Policy": contentSecurityPolicy(settings),
    ...(servedOverHttps(settings.appUrl) ? { "Strict-Transport-Security": HSTS_VALUE } : {}),
  };
}
