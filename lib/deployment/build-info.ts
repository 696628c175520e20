import fs from "node:fs";
import path from "node:path";

/*
 * What this process's build says about itself, read from the `.next`
 * directory `next start` serves (relative to the working directory, as
 * Next.js reads it).
 */
const BUILD_DIRECTORY = path.join(process.cwd(), ".next");

function readOrNull(file: string): string | null {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

/** `.next/BUILD_ID`; "development" without a production build. */
export function buildId(directory = BUILD_DIRECTORY): string {
  return readOrNull(path.join(directory, "BUILD_ID"))?.trim() || "development";
}

/**
 * The key Next.js encrypts server actions' closed-over values with:
 * NEXT_SERVER_ACTIONS_ENCRYPTION_KEY when set at run time, else the one the
 * build chose, stored in its server-reference manifest (next/dist/server/
 * app-render/encryption-utils.js reads them in that order). The build also
 * salts the server action ids with it, so two builds agree on action ids only
 * when built with the same key.
 */
export function serverActionsKey(
  env: Record<string, string | undefined> = process.env,
  directory = BUILD_DIRECTORY,
): string {
  const configured = env.NEXT_SERVER_ACTIONS_ENCRYPTION_KEY?.trim();
  if (configured) return configured;
  const manifest = readOrNull(path.join(directory, "server", "server-reference-manifest.json"));
  try {
    const key = manifest ? (JSON.parse(manifest) as { encryptionKey?: unknown }).encryptionKey : undefined;
    return typeof key === "string" ? key : "none";
  } catch {
    return "none";
  }
}
