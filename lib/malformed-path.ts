/**
 * Whether a request path holds a percent-escape that is not valid UTF-8
 * ("/login/reset/%ZZ", "/invite/%E0%A4%A"). Next.js fails to decode such a
 * dynamic segment and answers 500 before any page code runs; the proxy
 * refuses the request as the 400 it is (bad input is never a server error).
 */
export function hasMalformedEscape(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return false;
  } catch {
    return true;
  }
}
