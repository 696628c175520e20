/** Longer than any path of ours: not worth carrying. */
const NEXT_PATH_MAX_LENGTH = 512;
const PLACEHOLDER_ORIGIN = "http://twofold.invalid";

/**
 * A `next` parameter we may redirect to after signing in: a path on this
 * site only. It must start with a single "/" (not "//", which browsers read
 * as another host), hold no backslash (read as "/" by browsers) and no
 * whitespace or control characters (stripped by browsers, so "/\t/evil"
 * becomes "//evil"). Anything else is ignored: no open redirect.
 */
export function safeNextPath(value: unknown): string | null {
  if (typeof value !== "string" || value.length === 0 || value.length > NEXT_PATH_MAX_LENGTH) return null;
  if (!value.startsWith("/") || value.startsWith("//")) return null;
  if (/[\\\s\p{Cc}]/u.test(value)) return null;
  // Belt and braces: whatever a URL parser makes of it must stay on our origin.
  const parsed = new URL(value, PLACEHOLDER_ORIGIN);
  if (parsed.origin !== PLACEHOLDER_ORIGIN) return null;
  const path = `${parsed.pathname}${parsed.search}${parsed.hash}`;
  // Normalising can make one again: "/.//evil.example" becomes "//evil.example".
  return path.startsWith("//") ? null : path;
}
