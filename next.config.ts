import type { NextConfig } from "next";

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
  },
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};

export default nextConfig;
