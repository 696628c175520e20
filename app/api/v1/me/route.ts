import { apiMethodNotAllowed, apiRoute } from "@/lib/api/guard";
import { apiJson } from "@/lib/api/responses";
import { permissionsOfCaller } from "@/lib/data/api";

/** The API account the token belongs to. */
export const GET = apiRoute(async (caller) => {
  const permissions = await permissionsOfCaller(caller);
  return apiJson({
    id: caller.user.id,
    email: caller.user.email,
    name: caller.user.name,
    organisation: caller.organisation,
    permissions,
  });
});

const notAllowed = apiMethodNotAllowed("GET");
export const POST = notAllowed;
export const PUT = notAllowed;
export const PATCH = notAllowed;
export const DELETE = notAllowed;
