import "server-only";
import { appUrlFrom } from "@/lib/app-address";
import { getEnv } from "@/lib/env";

/** An absolute link into Twofold, for emails, from the server's environment (see appUrlFrom). */
export function appUrl(path: string): string {
  return appUrlFrom(getEnv(), path);
}
