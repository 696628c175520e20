import type { NextRequest } from "next/server";
import { requirePermission } from "@/lib/auth/guards";
import { parseAuditFilter } from "@/lib/audit-log-filter";
import { auditExport } from "@/lib/data/exports";
import { csvDownload } from "@/lib/flows/csv-download";
import { viewerTimeZone } from "@/lib/flows/viewer-time-zone";

/** GET /admin/audit/export?…the log's filters…: the filtered audit log as CSV, newest first. */
export async function GET(request: NextRequest) {
  const current = await requirePermission("audit:read");
  const raw: Record<string, string[]> = {};
  for (const [key, value] of request.nextUrl.searchParams) (raw[key] ??= []).push(value);
  const { errors, filter } = parseAuditFilter(raw, await viewerTimeZone());
  const problems = Object.values(errors);
  if (problems.length > 0) {
    return new Response(`Cannot export: ${problems.join(" ")}\n`, {
      status: 400,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
  return csvDownload("audit-log", await auditExport(current, filter));
}
