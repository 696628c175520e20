import { z } from "zod";
import { BULK_ACTIONS } from "@/lib/admin/bulk-actions";
import { isDatabaseId, MAX_DATABASE_ID } from "@/lib/database-id";

/*
 * What the bulk actions of /admin/users read from the page: the action, and
 * either ticked rows or a filter; each batch also where the last one ended.
 * Every id is bounded as the database's ids are (lib/database-id.ts), so a
 * forged one is "not understood", not a 500 on PostgreSQL.
 */

/** More than this is what "Select all matching this filter" is for. */
const MAX_TICKED = 1000;
const NOT_UNDERSTOOD = "That selection was not understood.";

const selectionFields = {
  action: z.enum(BULK_ACTIONS, { error: "Choose an action." }),
  // Ticked rows, as "12,15,40" (ticks survive moving between pages, so a few pages' worth).
  ids: z
    .string()
    .max(MAX_TICKED * 11)
    .regex(/^\d{1,10}(,\d{1,10})*$/, { error: NOT_UNDERSTOOD })
    .refine((ids) => ids.split(",").every((id) => isDatabaseId(Number(id))), { error: NOT_UNDERSTOOD })
    .optional(),
  // Everything this filter matches (the list's address without the page), evaluated by the server at run time.
  search: z.string().max(2000).optional(),
};

export const bulkPreviewSchema = z.object(selectionFields);

export const bulkBatchSchema = z.object({
  ...selectionFields,
  // The last id of the previous batch (keyset paging), 0 for the first.
  after: z.coerce.number().int().min(0).max(MAX_DATABASE_ID).default(0),
  reason: z.string().optional(),
});

export type BulkSelection = { ids: number[] } | { search: string };

/** The ticked ids or the filter, whichever was sent; null when neither. */
export function selectionOf(input: { ids?: string; search?: string }): BulkSelection | null {
  if (input.ids !== undefined) return { ids: input.ids.split(",").map(Number) };
  if (input.search !== undefined) return { search: input.search };
  return null;
}
