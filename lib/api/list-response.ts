import type { Permission } from "@/db/schema";
import type { ParameterError } from "@/lib/api/pagination";
import { apiError, apiInvalidParameter, apiJson } from "@/lib/api/responses";
import { PERMISSION_LABELS } from "@/lib/auth/permissions";

/** What a list endpoint read: the page, the permission the caller lacks, or the parameter it cannot use. */
export type ApiRead<T> = { ok: true; value: T } | ParameterError | { ok: false; forbidden: Permission };

/** A list endpoint's read as the client gets it: the page, a 403 naming the permission, or a 400 naming the parameter. */
export function listResponse<T>(read: ApiRead<T>, reading: string): Response {
  if (read.ok) return apiJson(read.value);
  if ("forbidden" in read) {
    return apiError(
      403,
      "forbidden",
      `This API account may not read ${reading}: give it a role with the ${read.forbidden} permission (“${PERMISSION_LABELS[read.forbidden]}”).`,
    );
  }
  return apiInvalidParameter(read.parameter, read.message);
}
