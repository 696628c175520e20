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

/** `page` and `per_page` from a query string, or the first bad parameter's name and why. */
export function parsePagination(
  params: URLSearchParams,
): { ok: true; value: Pagination } | { ok: false; parameter: string; message: string } {
  const parsed = paginationSchema.safeParse({
    page: params.get("page") ?? undefined,
    per_page: params.get("per_page") ?? undefined,
  });
  if (parsed.success) return { ok: true, value: { page: parsed.data.page, perPage: parsed.data.per_page } };
  const issue = parsed.error.issues[0]!;
  return { ok: false, parameter: String(issue.path[0]), message: issue.message };
}
