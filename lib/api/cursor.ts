import crypto from "node:crypto";
import { constantTimeEqual } from "@/lib/crypto";
import type { ParameterError } from "@/lib/api/pagination";
import type { KeyRing } from "@/lib/keys/key-ring";

/*
 * The API's page cursors: opaque to clients, `<payload>.<mac>` where the
 * payload is base64url JSON of the last row's position and a digest of the
 * filters, and the MAC (HMAC-SHA256 under the key ring's "api-cursor" key)
 * binds it to the endpoint and the organisation too. A client cannot forge a
 * position or carry a cursor to other filters, another endpoint or another
 * organisation (OWASP ASVS 5.0 V2.2.1 and V2.3: values from the client are
 * validated, and state the server handed out comes back unaltered). Any key
 * of the ring verifies, so rotating keys does not break a listing under way.
 */

/** What a cursor was issued for: it opens only the same endpoint, organisation and filters. */
export type CursorScope = {
  endpoint: "users" | "audit";
  organisationId: number;
  /** The filters in a canonical form (stable order, parsed values). */
  filter: string;
};

export type DecodedCursor = { ok: true; position: number } | { ok: false; reason: "malformed" | "other_filter" };

/** Far longer than any cursor we issue; anything longer is refused before any work. */
const MAX_CURSOR_LENGTH = 200;
/** 128 bits of MAC: forging one is out of reach. */
const MAC_LENGTH = 22;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

function filterDigest(filter: string): string {
  return crypto.createHash("sha256").update(filter, "utf8").digest("base64url").slice(0, 16);
}

function mac(key: Buffer, scope: CursorScope, payload: string): string {
  return crypto
    .createHmac("sha256", key)
    .update(`${scope.endpoint}\n${scope.organisationId}\n${payload}`, "utf8")
    .digest("base64url")
    .slice(0, MAC_LENGTH);
}

/** The cursor of the page after the row at `position`, under the ring's newest key. */
export function encodeCursor(ring: KeyRing, scope: CursorScope, position: number): string {
  const payload = Buffer.from(JSON.stringify([position, filterDigest(scope.filter)]), "utf8").toString("base64url");
  return `${payload}.${mac(ring.current.hmac("api-cursor"), scope, payload)}`;
}

/**
 * The position a cursor names, when the server issued it for this scope.
 * "other_filter": ours, for this endpoint and organisation, but for other
 * filters; "malformed": anything else (garbled, forged, or not for here).
 */
export function decodeCursor(ring: KeyRing, scope: CursorScope, cursor: string): DecodedCursor {
  const malformed = { ok: false, reason: "malformed" } as const;
  if (cursor.length > MAX_CURSOR_LENGTH) return malformed;
  const [payload, signature, ...rest] = cursor.split(".");
  if (!payload || !signature || rest.length > 0 || !BASE64URL.test(payload)) return malformed;
  // Every key is tried without stopping early (ASVS 5.0 V11.2.4: constant-time comparison).
  const verified = ring.keys
    .map((key) => constantTimeEqual(mac(key.hmac("api-cursor"), scope, payload), signature))
    .includes(true);
  if (!verified) return malformed;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return malformed;
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) return malformed;
  const [position, digest] = decoded as unknown[];
  if (typeof position !== "number" || !Number.isSafeInteger(position) || position < 1) return malformed;
  if (digest !== filterDigest(scope.filter)) return { ok: false, reason: "other_filter" };
  return { ok: true, position };
}

/** The 400 for a cursor that does not open this request. */
export function cursorRefusal(reason: "malformed" | "other_filter"): ParameterError {
  return {
    ok: false,
    parameter: "cursor",
    message:
      reason === "other_filter"
        ? "cursor belongs to a listing with other filters: repeat the same filters with it, or start again without a cursor."
        : "cursor is not one this API gave out for this listing: pass next_cursor from the previous answer unchanged.",
  };
}
