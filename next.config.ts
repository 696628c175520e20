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
  // Native modules are loaded by Node at run time, never bundled.
  serverExternalPackages: ["better-sqlite3", "argon2"],
  poweredByHeader: false,
  devIndicators: false,
  experimental: {
    // forbidden() gives a real 403 to a signed-in user without the permission.
    authInterrupts: true,
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
