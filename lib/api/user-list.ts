import type { Db } from "@/db";
import { listUsers } from "@/lib/admin/user-directory";
import {
  FILTER_METHODS,
  FILTER_REQUIREMENTS,
  USER_FILTER_FIELDS,
  USER_STATES,
  parseUserFilters,
  userFilterParams,
  userFilterWhere,
  type UserFilterField,
} from "@/lib/admin/user-filters";
import { cursorRefusal, decodeCursor, encodeCursor, type CursorScope } from "@/lib/api/cursor";
import { parseCursorPaging, parsePagination, type ParameterError } from "@/lib/api/pagination";
import type { KeyRing } from "@/lib/keys/key-ring";
import type { Requirement } from "@/lib/two-factor/policy/requirement";
import type { SecondFactorMethod } from "@/lib/two-factor/policy/methods";

/*
 * GET /api/v1/users without Next.js: the /admin/users filters under the same
 * names, parsed and turned into SQL by the list's own code
 * (lib/admin/user-filters.ts), paged by an opaque cursor in id order
 * (keyset: id > the last one, so a page costs the same at any depth), or, for
 * clients written before cursors, by page number in creation-time order.
 */

export type ApiUser = {
  id: number;
  email: string;
  name: string;
  isApiAccount: boolean;
  disabled: boolean;
  twoFactor: { requirement: Requirement["level"]; enabled: boolean; methods: SecondFactorMethod[] };
  lastSignInAt: string | null;
};

export type ApiUsersPage = {
  users: ApiUser[];
  /** `page` and `nextPage` are null when paging by cursor. */
  pagination: { page: number | null; perPage: number; hasMore: boolean; nextPage: number | null };
  next_cursor: string | null;
};

/** The allowed values, for a message a developer can act on without reading the docs. */
const ALLOWED: Partial<Record<UserFilterField, readonly string[]>> = {
  state: USER_STATES,
  method: FILTER_METHODS,
  requirement: FILTER_REQUIREMENTS,
};

function filterRefusal(errors: Partial<Record<UserFilterField, string>>): ParameterError {
  const parameter = USER_FILTER_FIELDS.find((field) => errors[field])!;
  const allowed = ALLOWED[parameter];
  return {
    ok: false,
    parameter,
    message: `${errors[parameter]}${allowed ? ` Allowed: ${allowed.join(", ")}.` : ""}`,
  };
}

type UsersPaging = { limit: number; cursor: string | undefined; page: number | null; byPage: boolean };

/**
 * `limit` and `cursor`, or the older `page` and `per_page`; not a mixture.
 * The cursor walk's first page also answers as page 1, so a client written
 * for pages keeps working when it sends no parameters.
 */
function parseUsersPaging(params: URLSearchParams): { ok: true; value: UsersPaging } | ParameterError {
  const byPage = params.has("page") || params.has("per_page");
  const byCursor = ["limit", "cursor"].find((name) => params.has(name));
  if (byPage && byCursor) {
    return {
      ok: false,
      parameter: byCursor,
      message: "Page either with limit and cursor, or with page and per_page, not a mixture.",
    };
  }
  if (byPage) {
    const pagination = parsePagination(params);
    if (!pagination.ok) return pagination;
    return {
      ok: true,
      value: { limit: pagination.value.perPage, cursor: undefined, page: pagination.value.page, byPage: true },
    };
  }
  const paging = parseCursorPaging(params);
  if (!paging.ok) return paging;
  return {
    ok: true,
    value: { ...paging.value, page: paging.value.cursor === undefined ? 1 : null, byPage: false },
  };
}

/** One page of `organisationId`'s users for the query string `params`, or the first parameter it cannot use. */
export async function apiUsersPage(
  db: Db,
  ring: KeyRing,
  organisationId: number,
  params: URLSearchParams,
  now = new Date(),
): Promise<{ ok: true; value: ApiUsersPage } | ParameterError> {
  const parsed = parseUserFilters(Object.fromEntries(params));
  if (Object.keys(parsed.errors).length > 0) return filterRefusal(parsed.errors);
  const q = (params.get("q") ?? "").trim().slice(0, 100);
  const paging = parseUsersPaging(params);
  if (!paging.ok) return paging;
  const where = await userFilterWhere(db, organisationId, parsed.filters, now);
  if (!where.ok) return filterRefusal(where.errors);

  const filterParams = userFilterParams(parsed.filters);
  if (q) filterParams.set("q", q);
  const scope: CursorScope = { endpoint: "users", organisationId, filter: filterParams.toString() };
  let afterId = 0;
  if (paging.value.cursor !== undefined) {
    const decoded = decodeCursor(ring, scope, paging.value.cursor);
    if (!decoded.ok) return cursorRefusal(decoded.reason);
    afterId = decoded.position;
  }
  const { limit, page, byPage } = paging.value;
  // By page: as before cursors, in order of creation time, OFFSET and all. By cursor: keyset on id.
  const { rows, hasMore } = await listUsers(
    db,
    organisationId,
    {
      q,
      sort: "created",
      direction: "asc",
      page: byPage ? page! : 1,
      pageSize: limit,
      filter: where.where,
      afterId: byPage ? undefined : afterId,
    },
    now,
  );
  const last = rows.at(-1);
  return {
    ok: true,
    value: {
      users: rows.map((user) => ({
        id: user.id,
        email: user.email,
        name: user.name,
        isApiAccount: user.isApiAccount,
        disabled: user.disabled,
        twoFactor: {
          requirement: user.requirement,
          enabled: user.twoFactorMethods.length > 0,
          methods: user.twoFactorMethods,
        },
        lastSignInAt: user.lastSignInAt?.toISOString() ?? null,
      })),
      pagination: {
        page,
        perPage: limit,
        hasMore,
        nextPage: hasMore && page !== null ? page + 1 : null,
      },
      // A page of the creation-time walk is not a position in the id walk: no cursor out of it.
      next_cursor: hasMore && last && !byPage ? encodeCursor(ring, scope, last.id) : null,
    },
  };
}
