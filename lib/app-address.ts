import { ConfigurationError, type AppAddressSettings } from "@/lib/env";

/**
 * An absolute link into Twofold, built from APP_URL, never from a request: a
 * forged Host header must not be able to send someone's invitation or setup
 * link to another site. The server calls it through lib/app-url; commands
 * that run outside Next.js call it with loadAppAddressSettings().
 */
export function appUrlFrom(settings: AppAddressSettings, path: string): string {
  const base =
    settings.APP_URL ?? (settings.NODE_ENV === "production" ? undefined : `http://localhost:${settings.PORT}`);
  if (!base)
    throw new ConfigurationError("APP_URL is not set: Twofold needs its public address to put links in emails.");
  return new URL(path, base).toString();
}
