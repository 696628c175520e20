import type { Metadata } from "next";
import Link from "next/link";
import { AuditFilterForm } from "@/app/(app)/admin/audit/_components/audit-filter-form";
import { AuditTable } from "@/app/(app)/admin/audit/_components/audit-table";
import { requirePermission } from "@/lib/auth/guards";
import { auditLogHref, parseAuditFilter } from "@/lib/audit-log-filter";
import { getAuditLogPage, getAuditSubject } from "@/lib/data/audit-log";
import { ExportCsvButton } from "@/components/ui/export-csv-button";
import { viewerTimeZone } from "@/lib/flows/viewer-time-zone";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const current = await requirePermission("audit:read");
  // Days start at the reader's midnight, as the times in the table read.
  const { values, errors, filter } = parseAuditFilter(await searchParams, await viewerTimeZone());
  const problems = Object.values(errors);
  const subject = filter.userId ? await getAuditSubject(current, filter.userId) : null;
  // A filter that cannot be applied shows no events rather than events it did not ask for.
  const page = problems.length === 0 ? await getAuditLogPage(current, filter) : null;
  const active = Object.entries(values).some(([, value]) => value.length > 0);

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Audit log</h1>
        <p className="mt-1 text-sm text-slate-600">
          Every security event in {current.organisation.name}, newest first.
        </p>
      </div>
      {filter.userId ? (
        <p className="rounded-lg border border-slate-200 bg-slate-50 px-4 py-3 text-sm text-slate-800">
          {subject ? (
            <>
              Events of <strong className="font-semibold">{subject.name}</strong> ({subject.email}), who did them or
              whom they were about.{" "}
              <Link href={`/admin/users/${subject.id}`} className="font-medium text-brand-700 hover:underline">
                Open their page
              </Link>
            </>
          ) : (
            "No one in your organisation has that user id."
          )}
        </p>
      ) : null}
      {/* Keyed by the address: after "Clear filters" (a client-side navigation) the form starts afresh, not as last typed. */}
      <AuditFilterForm key={auditLogHref(values)} values={values} errors={errors} active={active} />
      {problems.length > 0 ? (
        <div role="alert" className="rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800">
          {problems.map((problem) => (
            <p key={problem}>{problem}</p>
          ))}
        </div>
      ) : null}
      {page ? (
        <>
          <div className="flex justify-end">
            <ExportCsvButton action="/admin/audit/export" search={auditLogHref(values).split("?")[1] ?? ""} />
          </div>
          <AuditTable events={page.events} />
          {filter.before || page.nextBefore ? (
            <nav aria-label="Pages" className="flex justify-between gap-4 text-sm">
              {filter.before ? (
                <Link href={auditLogHref(values)} className="font-medium text-brand-700 hover:underline">
                  Newest events
                </Link>
              ) : (
                <span />
              )}
              {page.nextBefore ? (
                <Link
                  href={auditLogHref(values, page.nextBefore)}
                  className="font-medium text-brand-700 hover:underline"
                >
                  Older events
                </Link>
              ) : null}
            </nav>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
