import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/*
 * `next build` only when the sources changed since the last one: a stale
 * `.next` would measure old code, a needless rebuild would cost a minute.
 * The fingerprint of what the build read is kept inside `.next` itself, so a
 * build made by anything else (`npm test`, `npm run build`) is rebuilt once.
 */

const BUILD_INPUTS = [
  "app",
  "components",
  "lib",
  "db",
  "public",
  "types",
  "proxy.ts",
  "instrumentation.ts",
  "next.config.ts",
  "postcss.config.mjs",
  "tsconfig.json",
  "package-lock.json",
];
const FINGERPRINT_FILE = path.join(".next", "bench-source-fingerprint");

function filesUnder(entry: string): string[] {
  if (!fs.existsSync(entry)) return [];
  if (!fs.statSync(entry).isDirectory()) return [entry];
  return fs
    .readdirSync(entry, { withFileTypes: true })
    .filter((child) => !child.name.endsWith(".test.ts"))
    .flatMap((child) => filesUnder(path.join(entry, child.name)));
}

function sourceFingerprint(): string {
  const hash = crypto.createHash("sha256");
  for (const file of BUILD_INPUTS.flatMap(filesUnder).sort())
    hash.update(file).update("\0").update(fs.readFileSync(file)).update("\0");
  return hash.digest("hex");
}

/** Builds the production app unless `.next` was built from exactly these sources; says which it did. */
export function ensureProductionBuild(): "built" | "up to date" {
  const fingerprint = sourceFingerprint();
  const built =
    fs.existsSync(path.join(".next", "BUILD_ID")) &&
    fs.existsSync(FINGERPRINT_FILE) &&
    fs.readFileSync(FINGERPRINT_FILE, "utf8") === fingerprint;
  if (built) return "up to date";
  const result = spawnSync(process.execPath, [path.join("node_modules", "next", "dist", "bin", "next"), "build"], {
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (result.status !== 0) throw new Error(`next build failed with exit code ${result.status}`);
  fs.writeFileSync(FINGERPRINT_FILE, fingerprint);
  return "built";
}
