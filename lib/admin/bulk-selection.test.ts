import { describe, expect, it } from "vitest";
import { bulkBatchSchema, bulkPreviewSchema, selectionOf } from "@/lib/admin/bulk-selection";

/*
 * A forged bulk request with an id past PostgreSQL's integer used to reach
 * the query and answer 500 there; it is "not understood" before any query.
 */

const issue = (result: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }) =>
  result.error?.issues.map((entry) => [entry.path.join("."), entry.message]);

describe("the bulk actions' selection", () => {
  it("refuses a ticked id beyond the database's ids, and 0, among otherwise good ones", () => {
    for (const ids of ["12,2147483648", "2147483648", "9999999999", "0", "4,0"])
      expect(issue(bulkPreviewSchema.safeParse({ action: "reset", ids })), ids).toEqual([
        ["ids", "That selection was not understood."],
      ]);
    const largest = bulkPreviewSchema.parse({ action: "reset", ids: "1,2147483647" });
    expect(selectionOf(largest)).toEqual({ ids: [1, 2147483647] });
  });

  it("refuses a batch that continues after an id beyond the database's ids", () => {
    expect(issue(bulkBatchSchema.safeParse({ action: "signOut", search: "", after: "2147483648" }))?.[0]?.[0]).toBe(
      "after",
    );
    expect(issue(bulkBatchSchema.safeParse({ action: "signOut", search: "", after: "-1" }))?.[0]?.[0]).toBe("after");
    expect(bulkBatchSchema.parse({ action: "signOut", search: "", after: "2147483647" }).after).toBe(2147483647);
    expect(bulkBatchSchema.parse({ action: "signOut", search: "" }).after).toBe(0);
  });

  it("is the ticked ids, or else the filter, or nothing", () => {
    expect(selectionOf({ ids: "3,5", search: "state=past_grace" })).toEqual({ ids: [3, 5] });
    expect(selectionOf({ search: "" })).toEqual({ search: "" });
    expect(selectionOf({})).toBeNull();
  });
});
