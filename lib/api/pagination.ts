import { z } from "zod";

export const DEFAULT_PER_PAGE = 50;
export const MAX_PER_PAGE = 100;
/** Far beyond any organisation; keeps the offset a small, safe integer. */
const MAX_PAGE = 1_000_000;

/** Digits only: "1e2", " 3", "0x10" and "2.0" are mistakes to report, not numbers to guess at. */
const positiveInteger = (name: string, max: number) =>
  z
    .string()
    .regex(/^\d{1,7}$/, `${name} must be a whole number from 1 to ${max}.`)
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(1, `${name} must be a whole number from 1 to ${max}.`)
        .max(max, `${name} must be a whole number from 1 to ${max}.`),
    );

const paginationSchema = z.object({
  page: positiveInteger("page", MAX_PAGE).default(1),
  per_page: positiveInteger("per_page", MAX_PER_PAGE).default(DEFAULT_PER_PAGE),
});

export type Pagination = { page: number; perPage: number };

/** A query parameter the API cannot use: its name and why, for a 400 that names it. */
export type ParameterError = { ok: false; parameter: string; message: string };

function firstIssue(error: z.ZodError): ParameterError {
  const issue = error.issues[0]!;
  return { ok: false, parameter: String(issue.path[0]), message: issue.message };
}

/** `page` and `per_page` from a query string, or the first bad parameter's name and why. */
export function parsePagination(params: URLSearchParams): { ok: true; value: Pagination } | ParameterError {
  const parsed = paginationSchema.safeParse({
    page: params.get("page") ?? undefined,
    per_page: params.get("per_page") ?? undefined,
  });
  if (parsed.success) return { ok: true, value: { page: parsed.data.page, perPage: parsed.data.per_page } };
  return firstIssue(parsed.error);
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

const cursorPagingSchema = z.object({
  limit: positiveInteger("limit", MAX_LIMIT).default(DEFAULT_LIMIT),
  cursor: z.string().min(1, "cursor must be the next_cursor of a previous answer, or left out.").optional(),
});

/** Cursor paging's parameters; the cursor is still to be checked against its scope (lib/api/cursor.ts). */
export type CursorPaging = { limit: number; cursor: string | undefined };

/** `limit` (1–200, default 50) and `cursor` from a query string, or the first bad parameter's name and why. */
export function parseCursorPaging(params: URLSearchParams): { ok: true; value: CursorPaging } | ParameterError {
  const parsed = cursorPagingSchema.safeParse({
    limit: params.get("limit") ?? undefined,
    cursor: params.get("cursor") ?? undefined,
  });
  if (parsed.success) return { ok: true, value: { limit: parsed.data.limit, cursor: parsed.data.cursor } };
  return firstIssue(parsed.error);
}
