/** Every API answer is JSON that no cache may keep: it describes accounts and is per caller. */
const BASE_HEADERS = { "Cache-Control": "no-store" };

export type ApiErrorCode =
  | "unauthenticated"
  | "invalid_token"
  | "forbidden"
  | "invalid_parameter"
  | "not_found"
  | "method_not_allowed"
  | "rate_limited"
  | "internal_error";

export function apiJson(body: unknown, init: { status?: number; headers?: HeadersInit } = {}): Response {
  const headers = new Headers(init.headers);
  for (const [name, value] of Object.entries(BASE_HEADERS)) headers.set(name, value);
  return Response.json(body, { status: init.status ?? 200, headers });
}

/** The one error shape: `{ "error": { "code", "message" } }`, with a message a developer can act on. */
export function apiError(status: number, code: ApiErrorCode, message: string, headers?: HeadersInit): Response {
  return apiJson({ error: { code, message } }, { status, headers });
}

/**
 * A 400 naming the parameter it cannot use, in the message and as
 * `error.parameter`, so a program can tell which one without parsing words.
 */
export function apiInvalidParameter(parameter: string, message: string): Response {
  return apiJson(
    { error: { code: "invalid_parameter", message: `Invalid parameter "${parameter}": ${message}`, parameter } },
    { status: 400 },
  );
}
