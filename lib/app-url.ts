import "server-only";
import { ConfigurationError, getEnv } from "@/lib/env";

/**
 * An absolute link into Twofold, for emails. Built from APP_URL, never from
 * the request: a forged Host header must not be able to send someone's
 * invitation or setup link to another site.
 */
export function appUrl(path: string): string {
  const env = getEnv();
  const base = env.APP_URL ?? (env.NODE_ENV === "production" ? undefined : `http://localhost:${env.PORT}`);
  if (!base) throw new ConfigurationError("APP_URL is not set: Twofold needs its public address to put links in emails.");
  return new URL(path, base).toString();
}
