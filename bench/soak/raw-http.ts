import net from "node:net";
import zlib from "node:zlib";

/*
 * Requests written byte for byte on a fresh socket: Node's http client
 * refuses the malformed paths, cookies and headers the hostile-input phase
 * exists to send, so it cannot be the one sending them. Loopback only.
 */

export type RawRequest = {
  method: string;
  /** Sent as is, broken percent-escapes included. */
  path: string;
  /** Header values as raw bytes (latin1), so any octet but CR and LF can be sent. */
  headers: Array<[string, string]>;
  body?: Buffer;
};

export type RawAnswer = { status: number; headers: Record<string, string>; body: string; ms: number };

const TIMEOUT_MS = 60_000;

export function requestBytes(request: RawRequest, host: string): Buffer {
  const lines = [`${request.method} ${request.path} HTTP/1.1`, `host: ${host}`, "connection: close"];
  for (const [name, value] of request.headers) lines.push(`${name}: ${value.replace(/[\r\n]/g, " ")}`);
  if (request.body) lines.push(`content-length: ${request.body.length}`);
  return Buffer.concat([Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1"), request.body ?? Buffer.alloc(0)]);
}

/** Sends one request on its own connection and reads the answer to the end (the server closes it). */
export function sendRaw(origin: string, request: RawRequest): Promise<RawAnswer> {
  const url = new URL(origin);
  const bytes = requestBytes(request, url.host);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: url.hostname, port: Number(url.port) });
    const chunks: Buffer[] = [];
    let settled = false;
    let lastError: Error | undefined;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      if (error && chunks.length === 0) return reject(error);
      resolve(parseAnswer(Buffer.concat(chunks), performance.now() - started));
    };
    socket.setTimeout(TIMEOUT_MS, () => finish(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)));
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("end", () => finish());
    // The server may answer (413, 431) and close before the whole body is written: the write fails,
    // but the answer may still be readable, so only "close" decides.
    socket.on("error", (error) => (lastError = error));
    socket.on("close", () => finish(lastError ?? new Error("connection closed without an answer")));
    socket.write(bytes);
  });
}

function parseAnswer(raw: Buffer, ms: number): RawAnswer {
  const headerEnd = raw.indexOf("\r\n\r\n");
  const head = raw.subarray(0, headerEnd < 0 ? raw.length : headerEnd).toString("latin1");
  const [statusLine, ...headerLines] = head.split("\r\n");
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? "")?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  // Kept short: enough to see a form error, an error page's first words, or an error's digest.
  const body =
    headerEnd < 0
      ? ""
      : readableBody(raw.subarray(headerEnd + 4), headers)
          .subarray(0, 4096)
          .toString("utf8");
  return { status, headers, body, ms };
}

/** The body as the client would read it: de-chunked and decompressed (hostile headers ask for gzip, br, zstd). */
function readableBody(raw: Buffer, headers: Record<string, string>): Buffer {
  let body = raw;
  if (headers["transfer-encoding"]?.includes("chunked")) {
    const parts: Buffer[] = [];
    let offset = 0;
    while (offset < body.length) {
      const lineEnd = body.indexOf("\r\n", offset);
      if (lineEnd < 0) break;
      const size = parseInt(body.subarray(offset, lineEnd).toString("latin1"), 16);
      if (!Number.isFinite(size) || size === 0) break;
      parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
      offset = lineEnd + 2 + size + 2;
    }
    body = Buffer.concat(parts);
  }
  try {
    const encoding = headers["content-encoding"];
    if (encoding === "gzip") return zlib.gunzipSync(body);
    if (encoding === "br") return zlib.brotliDecompressSync(body);
    if (encoding === "deflate") return zlib.inflateSync(body);
  } catch {
    // A truncated or odd body: show it as it came.
  }
  return body;
}

/** The request as a curl command line, to replay a failure by hand (the body goes to a file beside it). */
export function curlOf(origin: string, request: RawRequest, bodyFile?: string): string {
  const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
  const parts = ["curl", "-sS", "-i", "--path-as-is", "-X", request.method];
  for (const [name, value] of request.headers)
    parts.push(
      "-H",
      quote(`${name}: ${value.length > 300 ? `${value.slice(0, 300)}…(${value.length} bytes)` : value}`),
    );
  if (request.body && bodyFile) parts.push("--data-binary", `@${bodyFile}`);
  parts.push(quote(`${origin}${request.path}`));
  return parts.join(" ");
}
