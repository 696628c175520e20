import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(__dirname),
      // Guards import "server-only" to keep them out of client bundles; unit tests run them in plain Node.
      "server-only": path.resolve(__dirname, "test/server-only-stub.ts"),
    },
  },
  test: {
    environment: "node",
    include: ["lib/**/*.test.ts", "db/**/*.test.ts", "scripts/**/*.test.ts", "bench/**/*.test.ts", "proxy.test.ts"],
    // argon2 at OWASP parameters takes tens of milliseconds per hash.
    testTimeout: 20_000,
  },
});
