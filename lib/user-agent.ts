import UAParser from "ua-parser-js";

/** "Firefox on macOS", for lists of sessions and remembered browsers. */
export function describeUserAgent(userAgent: string | null): string {
  if (!userAgent) return "Unknown browser";
  const { browser, os } = new UAParser(userAgent).getResult();
  const name = browser.name ?? "Unknown browser";
  return os.name ? `${name} on ${os.name}` : name;
}

/** Browser and operating system apart, for "New sign-in to Twofold". */
export function describeBrowserAndOs(userAgent: string | null): { browser: string; os: string } {
  if (!userAgent) return { browser: "Unknown browser", os: "Unknown system" };
  const { browser, os } = new UAParser(userAgent).getResult();
  return {
    browser: [browser.name, browser.major].filter(Boolean).join(" ") || "Unknown browser",
    os: [os.name, os.version].filter(Boolean).join(" ") || "Unknown system",
  };
}
