import type { NextRequest } from "next/server";
import { requirePermission } from "@/lib/auth/guards";
import { parseUserFilters } from "@/lib/admin/user-filters";
import { usersExport } from "@/lib/data/exports";
import { csvDownload } from "@/lib/flows/csv-download";

/** GET /admin/users/export?…the list's filters…: the filtered users list as CSV. */
export async function GET(request: NextRequest) {
  const current = await requirePermission("users:read");
  const raw = Object.fromEntries(request.nextUrl.searchParams);
  const parsed = parseUserFilters(raw);
  const q = (raw.q ?? "").trim().slice(0, 100);
  const csv = Object.keys(parsed.errors).length === 0 ? await usersExport(current, q, parsed.filters) : null;
  if (!csv?.ok) {
    const errors = csv ? csv.errors : parsed.errors;
    return new Response(`Cannot export: ${Object.values(errors).join(" ")}\n`, {
      status: 400,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
  return csvDownload("users", csv);
}
