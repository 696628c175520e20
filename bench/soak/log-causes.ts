import fs from "node:fs";

/*
 * Reading the server's log for the report: which error each 5xx was (Next
 * gives the client only a digest, and logs the error under it), and which
 * logged lines are Next.js's own warnings rather than errors.
 */

/**
 * Next.js's console.warn for a Next-Action id that names no action of this
 * build (a page left open across a deploy sends one): answered 400/404/409
 * by design, and printed as "Error: …" because it warns with an Error object.
 */
const NEXT_UNRECOGNISED_ACTION =
  /Failed to find Server Action|The Server Reference ID did not match the expected format/;

export function splitWarnings(lines: string[]): { errors: string[]; unrecognisedActionWarnings: string[] } {
  return {
    errors: lines.filter((line) => !NEXT_UNRECOGNISED_ACTION.test(line)),
    unrecognisedActionWarnings: lines.filter((line) => NEXT_UNRECOGNISED_ACTION.test(line)),
  };
}

/** digest → the error line logged just before it ("⨯ Error: Malformed part header"). */
export function errorsByDigest(logFile: string, offset: number): Map<string, string> {
  const lines = fs.readFileSync(logFile).subarray(offset).toString("utf8").split("\n");
  const byDigest = new Map<string, string>();
  let lastError = "";
  for (const line of lines) {
    if (/⨯|\bError\b/.test(line)) lastError = line.trim();
    const digest = /digest: '(\d+)'/.exec(line)?.[1];
    if (digest) byDigest.set(digest, lastError);
  }
  return byDigest;
}

/** What caused a 5xx the client saw: the logged error its digest names, or the answer's first words. */
export function causeOf(answer: string, byDigest: Map<string, string>): string {
  const digest = /digest\\?":\\?"(\d+)/.exec(answer)?.[1];
  if (digest && byDigest.has(digest)) return byDigest.get(digest)!.replace(/"[^"]{20,}"/g, '"…"');
  return answer.replace(/\s+/g, " ").slice(0, 60) || "empty answer";
}

/**
 * Causes that lie in Next.js's or React's own decoding of the request, before
 * any code of the app runs: busboy refusing a multipart part header, React's
 * decodeReply meeting an argument list that is not a list or holds references
 * to nothing, and undici's Request refusing the TRACE method.
 */
const FRAMEWORK_CAUSES =
  /Malformed part header|CreateListFromArrayLike|reading 'length'|reading 'id'|reading 'arrayBuffer'|temporary client reference|Invalid forward reference|cyclic thenables|Referenced Blob|Connection closed|TRACE/;

export function isFrameworkCause(cause: string): boolean {
  return FRAMEWORK_CAUSES.test(cause);
}
