import type { NextConfig } from "next";
import { SERVER_ACTION_BODY_LIMIT } from "./lib/body-limit";

/* The same on every response, static files included; the Content-Security-Policy (a nonce per response) and HSTS come from proxy.ts. */
const securityHeaders = [
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
];

const nextConfig: NextConfig = {
  // Native modules are loaded by Node at run time, never bundled. So are the providers' SDKs: bundled, Twilio's
  // 3.8 MB was copied into every route's chunk and held once per copy (docs/performance.md, "Memory"); from
  // node_modules it is one module, and lib/messaging imports it only when the first message is sent.
  serverExternalPackages: ["better-sqlite3", "argon2", "twilio", "resend", "@duosecurity/duo_universal"],
  // Each process must stay within 256 MiB (issue 18). Every page is dynamic, so the in-memory cache of rendered
  // pages (50 MB by default) would hold only the static icon: a small bound is enough.
  cacheMaxMemorySize: 4 * 1024 * 1024,
  poweredByHeader: false,
  devIndicators: false,
  experimental: {
    // forbidden() gives a real 403 to a signed-in user without the permission.
    authInterrupts: true,
    // Load a route's code when it is first asked for, not every route at start: an instance that never serves the
    // admin pages, the API or Duo's callback never holds their code.
    preloadEntriesOnStart: false,
    // Our forms send a few kilobytes; the 1 MB default lets a stranger make every action buffer a megabyte (lib/body-limit).
    serverActions: { bodySizeLimit: SERVER_ACTION_BODY_LIMIT },
    // With proxy.ts present Next.js buffers each request body for it (10 MB by default) before it answers, even a 413.
    proxyClientMaxBodySize: SERVER_ACTION_BODY_LIMIT,
  },
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};

export default nextConfig;
