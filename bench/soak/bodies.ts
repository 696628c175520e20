/*
 * Request bodies as browsers (and attackers) write them: multipart form
 * actions with any part in any order, the no-JavaScript form post, and the
 * plain JSON argument list. Strings are written as WTF-8, so a lone surrogate
 * reaches the server as the invalid bytes it would be, not as U+FFFD.
 */

const SURROGATE = /[\uD800-\uDFFF]/;

/** UTF-8, except that a lone surrogate is encoded as its own three bytes (WTF-8), as a hand-made client can send. */
export function wtf8(text: string): Buffer {
  if (!SURROGATE.test(text)) return Buffer.from(text, "utf8");
  const bytes: number[] = [];
  for (const char of text) {
    const unit = char.charCodeAt(0);
    if (char.length === 1 && unit >= 0xd800 && unit <= 0xdfff)
      bytes.push(0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f));
    else bytes.push(...Buffer.from(char, "utf8"));
  }
  return Buffer.from(bytes);
}

export type Part =
  { name: string; value: string } | { name: string; filename: string; content: string; contentType?: string };

export function multipart(
  parts: Part[],
  boundary = `----twofoldsoak${Math.random().toString(16).slice(2)}`,
): { body: Buffer; contentType: string } {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition =
      "filename" in part
        ? `form-data; name="${part.name}"; filename="${part.filename.replace(/["\r\n]/g, "_")}"`
        : `form-data; name="${part.name}"`;
    const type = "filename" in part ? `\r\nContent-Type: ${part.contentType ?? "application/octet-stream"}` : "";
    chunks.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: `, "latin1"),
      wtf8(disposition),
      Buffer.from(`${type}\r\n\r\n`, "latin1"),
    );
    chunks.push(wtf8("filename" in part ? part.content : part.value), Buffer.from("\r\n"));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/**
 * A `useActionState` form action's body, as React's encodeReply writes it:
 * the form's fields under "_1_", then the argument list as field "0" naming
 * them "$K1" (see bench/server-actions.ts). `argumentList` replaces that list
 * to send JSON where FormData is expected.
 */
export function formActionParts(
  fields: Part[],
  argumentList: string = JSON.stringify([{ status: "idle" }, "$K1"]),
): Part[] {
  return [...fields.map((part) => ({ ...part, name: `_1_${part.name}` })), { name: "0", value: argumentList }];
}

/** The same form posted without JavaScript: urlencoded, the action named by a $ACTION_ID_ field. */
export function noScriptForm(actionId: string, fields: Array<[string, string]>, rawTail = ""): Buffer {
  const encode = (text: string) => {
    try {
      return encodeURIComponent(text);
    } catch {
      // A lone surrogate: encodeURIComponent refuses it, so write its WTF-8 bytes by hand.
      return [...wtf8(text)].map((byte) => `%${byte.toString(16).padStart(2, "0").toUpperCase()}`).join("");
    }
  };
  const pairs = [[`$ACTION_ID_${actionId}`, ""], ...fields].map(
    ([name, value]) => `${encode(name!)}=${encode(value!)}`,
  );
  return Buffer.from(pairs.join("&") + rawTail, "latin1");
}
