/*
 * Server-action bodies Next.js and React would answer with a 500 and an error
 * in the log, found by `npm run soak`'s hostile-input phase. They are the
 * client's mistake, so proxy.ts answers 400 before Next.js parses them
 * (OWASP ASVS 5.0 V1.2, V2.2.1: input is validated against what the client
 * may legitimately send; a malformed request is refused, not a server fault).
 *  - A multipart part whose header line holds a control character (a NUL in a
 *    file name): Next's multipart parser (busboy) throws "Malformed part header".
 *  - An argument list React cannot decode: React's reply format encodes an
 *    action's arguments as a JSON array in the part named "0" (or as the whole
 *    text/plain body), with references to other parts written as "$…"
 *    strings. A hostile list (not an array, a reference to a part or promise
 *    that does not exist, a Blob, a server reference) makes React's decoder or
 *    Next's `action.apply` throw.
 * The grammar accepted is what React's client (encodeReply) writes for the
 * arguments Twofold's forms pass: plain JSON values, FormData ("$K"),
 * undefined, dates, big integers, special numbers and escaped strings ("$$"),
 * plus temporary references ("$T") inside a previous form state.
 */

/** busboy's limits and grammar for a part's header lines (RFC 7230 token ":" field-value). */
const PART_HEADER_LINE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+:[\t\x20-\x7e\x80-\xff]*$/;
const PART_HEADER_MAX_BYTES = 16 * 1024;

/** "$"-strings React's client writes for the values our actions receive; anything else is a reference we never send. */
const ALLOWED_REFERENCE = /^\$(?:\$.*|K[0-9a-f]+|undefined|D.*|n-?\d+|NaN|Infinity|-Infinity|-0|T)$/s;

export type ActionBodyProblem = "malformed part header" | "malformed argument list";

function boundaryOf(contentType: string): string | null {
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match ? (match[1] ?? match[2] ?? null) : null;
}

type Part = { headerLines: string[]; content: string };

/** The parts of a multipart body, read as latin1 (one character per byte), or null when its framing is broken. */
function multipartParts(body: string, boundary: string): Part[] | null {
  const delimiter = `--${boundary}`;
  const sections = body.split(delimiter);
  if (sections.length < 2) return null;
  const parts: Part[] = [];
  // sections[0] is the preamble; the section starting "--" is the epilogue after the close delimiter.
  for (const section of sections.slice(1)) {
    if (section.startsWith("--")) break;
    const headerEnd = section.indexOf("\r\n\r\n");
    if (!section.startsWith("\r\n") || headerEnd === -1) return null;
    const headerBlock = section.slice(2, headerEnd);
    if (headerBlock.length > PART_HEADER_MAX_BYTES) return null;
    const content = section.slice(headerEnd + 4).replace(/\r\n$/, "");
    parts.push({ headerLines: headerBlock === "" ? [] : headerBlock.split("\r\n"), content });
  }
  return parts;
}

function partName(part: Part): string | null {
  const disposition = part.headerLines.find((line) => /^content-disposition:/i.test(line));
  const match = disposition && /;\s*name="([^"]*)"/i.exec(disposition);
  return match ? match[1]! : null;
}

function onlyAllowedReferences(value: unknown): boolean {
  if (typeof value === "string") return !value.startsWith("$") || ALLOWED_REFERENCE.test(value);
  if (Array.isArray(value)) return value.every(onlyAllowedReferences);
  if (value !== null && typeof value === "object") return Object.values(value).every(onlyAllowedReferences);
  return true;
}

/** Whether the JSON React's client wrote for an action's arguments is one it could have written. */
export function isWellFormedArgumentList(json: string): boolean {
  let argumentsList: unknown;
  try {
    argumentsList = JSON.parse(json);
  } catch {
    return false;
  }
  // An argument itself is never a temporary reference: those stand for values inside a form state.
  return Array.isArray(argumentsList) && !argumentsList.includes("$T") && onlyAllowedReferences(argumentsList);
}

/**
 * What is wrong with a server-action body, or null. `contentType` and `body`
 * (decoded as latin1, byte for byte) are the request's; `hasActionHeader`
 * says whether it names an action in `Next-Action` (a call from React) rather
 * than a form posted without JavaScript.
 */
export function actionBodyProblem(input: {
  contentType: string;
  body: string;
  hasActionHeader: boolean;
}): ActionBodyProblem | null {
  const { contentType, body, hasActionHeader } = input;
  if (/^multipart\/form-data/i.test(contentType)) {
    const boundary = boundaryOf(contentType);
    const parts = boundary ? multipartParts(body, boundary) : null;
    if (!parts || parts.some((part) => part.headerLines.some((line) => !PART_HEADER_LINE.test(line))))
      return "malformed part header";
    if (!hasActionHeader) return null;
    const root = parts.find((part) => partName(part) === "0");
    return root && isWellFormedArgumentList(Buffer.from(root.content, "latin1").toString("utf8"))
      ? null
      : "malformed argument list";
  }
  if (hasActionHeader && /^text\/plain/i.test(contentType)) {
    return isWellFormedArgumentList(Buffer.from(body, "latin1").toString("utf8")) ? null : "malformed argument list";
  }
  return null;
}
