import { apiRoute } from "@/lib/api/guard";
import { apiError } from "@/lib/api/responses";

/** Any /api/v1 path without a route of its own: a JSON 404 rather than the web UI's HTML page. */
const notFound = apiRoute((_caller, request) =>
  apiError(
    404,
    "not_found",
    `There is no ${request.nextUrl.pathname} in this API. Endpoints: GET /api/v1/me, GET /api/v1/users, GET /api/v1/audit.`,
  ),
);

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
