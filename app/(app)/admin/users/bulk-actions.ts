"use server";

import { revalidatePath } from "next/cache";
import { formAction, type FormState } from "@/lib/action";
import { bulkConfirmation, SENSITIVE_BULK_ACTIONS, type BulkAction } from "@/lib/admin/bulk-actions";
import { bulkBatchSchema, bulkPreviewSchema, selectionOf } from "@/lib/admin/bulk-selection";
import { resetReasonSchema } from "@/lib/admin/reset-reason";
import { requirePermission } from "@/lib/auth/guards";
import { isRecentlyAuthenticated } from "@/lib/auth/recent-authentication";
import { BULK_BATCH_SIZE, bulkSelectionCount, runBulkBatch, type BulkBatchResult } from "@/lib/data/admin-bulk-actions";

/*
 * The bulk actions' two calls: how many the selection affects (for the
 * confirmation), then one batch at a time, which the page calls until the
 * run is over, so no request runs long and the page stays usable.
 */

const requireUserAdmin = () => requirePermission("users:manage");

const FILTER_CHANGED = "The filter no longer makes sense (a role or group was deleted). Reload the page.";

/** Those whose single-user versions need the access confirmed recently, as they do (ASVS 5.0 V7.5.3). */
const sensitive = (input: { action: BulkAction }) => SENSITIVE_BULK_ACTIONS.includes(input.action);

export type BulkPreview = {
  count: number;
  title: string;
  consequence: string;
  /** The action needs recently confirmed access and the session's is stale: the dialog asks for it first. */
  confirmAccessFirst: boolean;
};

/**
 * Only counts, so it changes nothing and is not itself sensitive: it tells
 * the dialog when the run would be refused for stale access, so the admin
 * confirms it before ticking and filtering are spent on a refused run.
 */
export const previewBulkAction = formAction({
  guard: requireUserAdmin,
  schema: bulkPreviewSchema,
  async handler(input, current): Promise<FormState<BulkPreview>> {
    const selection = selectionOf(input);
    if (!selection) return { status: "error", message: "Select at least one person." };
    const count = await bulkSelectionCount(current, selection);
    if (count === null) return { status: "error", message: FILTER_CHANGED };
    if (count === 0) return { status: "error", message: "Nobody is selected." };
    const confirmAccessFirst = sensitive(input) && !isRecentlyAuthenticated(current);
    return { status: "success", data: { count, ...bulkConfirmation(input.action, count), confirmAccessFirst } };
  },
});

export const runBulkActionBatch = formAction({
  guard: requireUserAdmin,
  sensitive,
  schema: bulkBatchSchema,
  async handler(input, current): Promise<FormState<BulkBatchResult>> {
    const selection = selectionOf(input);
    if (!selection) return { status: "error", message: "Select at least one person." };
    // One batch per call: the page sends ticked ids 50 at a time.
    if ("ids" in selection && selection.ids.length > BULK_BATCH_SIZE)
      return { status: "error", message: "That selection was not understood." };
    let reason: string | undefined;
    if (input.action === "reset") {
      const parsed = resetReasonSchema.safeParse(input.reason);
      if (!parsed.success) return { status: "error", fieldErrors: { reason: parsed.error.issues[0]!.message } };
      reason = parsed.data;
    }
    const result = await runBulkBatch(current, input.action, selection, { after: input.after, reason });
    if (!result) return { status: "error", message: FILTER_CHANGED };
    if (result.done.length > 0) revalidatePath("/admin/users");
    return { status: "success", data: result };
  },
});
