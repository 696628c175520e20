import { apiMethodNotAllowed, apiRoute } from "@/lib/api/guard";
import { parsePagination } from "@/lib/api/pagination";
import { apiError, apiJson } from "@/lib/api/responses";
import { callerMayReadUsers, usersPageForCaller } from "@/lib/data/api";

const forbidden = () =>
  apiError(
    403,
    "forbidden",
    "This API account may not read users: give it a role with the users:read permission (“Read users”).",
  );

/**
 * The caller's organisation's users, oldest first (so a new user never
 * shifts the pages already read), by `page` and `per_page`.
 */
export const GET = apiRoute(async (caller, request) => {
  if (!(await callerMayReadUsers(caller))) return forbidden();
  const pagination = parsePagination(request.nextUrl.searchParams);
  if (!pagination.ok)
    return apiError(400, "invalid_parameter", `Invalid parameter "${pagination.parameter}": ${pagination.message}`);
  const { page, perPage } = pagination.value;
  const listed = await usersPageForCaller(caller, { page, perPage });
  if (!listed) return forbidden();
  const { users, hasMore } = listed;
  return apiJson({
    users: users.map((user) => ({
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
    pagination: { page, perPage, hasMore, nextPage: hasMore ? page + 1 : null },
  });
});

const notAllowed = apiMethodNotAllowed("GET");
export const POST = notAllowed;
export const PUT = notAllowed;
export const PATCH = notAllowed;
export const DELETE = notAllowed;
