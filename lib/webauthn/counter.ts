/**
 * The signature counter rule (WebAuthn Level 3 §6.1.1): an authenticator that
 * keeps a counter raises it on every signature, so a new value that is not
 * above the stored one means two copies of the key are in use (a clone).
 * Authenticators without a counter (many synced passkeys) always send 0, and
 * 0 against a stored 0 is fine.
 */
export function counterAccepted(stored: number, received: number): boolean {
  if (stored === 0 && received === 0) return true;
  return received > stored;
}
