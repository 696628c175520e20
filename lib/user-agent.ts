import UAParser from "ua-parser-js";

/** "Firefox on macOS", for lists of sessions and remembered browsers. */
export function describeUserAgent(userAgent: string | null): string {
  if (!userAgent) return "Unknown browser";
  const { browser, os } = new UAParser(userAgent).getResult();
  const name = browser.name ?? "Unknown browser";
  return os.name ? `${name} on ${os.name}` : name;
}
