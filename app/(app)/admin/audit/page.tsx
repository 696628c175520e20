import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { AUDIT_EVENT_NAMES } from "@/lib/audit-events";
import { requirePermission } from "@/lib/auth/guards";
import { getAuditLogPage, type AuditFilter } from "@/lib/data/audit-log";
import { LocalTime } from "@/components/ui/local-time";

export const metadata: Metadata = { title: "Audit log" };

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .transform((value) => new Date(`${value}T00:00:00Z`))
  .refine((date) => !Number.isNaN(date.getTime()));

// Whatever arrives in the address, a filter is either valid or ignored: never an error page.
const filterSchema = z.object({
  user: z.string().trim().max(254).optional().catch(undefined),
  actor: z.string().trim().max(254).optional().catch(undefined),
  type: z.enum(AUDIT_EVENT_NAMES).optional().catch(undefined),
  from: day.optional().catch(undefined),
  to: day.optional().catch(undefined),
  before: z.coerce.number().int().positive().optional().catch(undefined),
});

const inputClass =
  "mt-1 block w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-brand-500 focus:ring-2 focus:ring-brand-500/30 focus:outline-none";

function describeDetails(details: Record<string, unknown> | null): string {
  if (!details) return "";
  return Object.entries(details)
    .map(([key, value]) => `${key}: ${String(value)}`)
    .join(", ");
}

export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const current = await requirePermission("audit:read");
  const raw = await searchParams;
  const single = (key: string) => (typeof raw[key] === "string" && raw[key] !== "" ? raw[key] : undefined);
  const parsed = filterSchema.parse({
    user: single("user"),
    actor: single("actor"),
    type: single("type"),
    from: single("from"),
    to: single("to"),
    before: single("before"),
  });
  const filter: AuditFilter = { ...parsed, to: parsed.to ? new Date(parsed.to.getTime() + 86_399_999) : undefined };
  const { events, nextBefore } = await getAuditLogPage(current, filter);
  const nextParams = new URLSearchParams(
    Object.entries({
      user: single("user"),
      actor: single("actor"),
      type: parsed.type,
      from: single("from"),
      to: single("to"),
    }).filter((entry): entry is [string, string] => Boolean(entry[1])),
  );

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Audit log</h1>
        <p className="mt-1 text-sm text-slate-600">
          Every security event in {current.organisation.name}, newest first.
        </p>
      </div>
      <form
        role="search"
        action="/admin/audit"
        className="grid gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:grid-cols-3 lg:grid-cols-6"
      >
        <div>
          <label htmlFor="filter-user" className="text-sm font-medium text-slate-800">
            User email
          </label>
          <input id="filter-user" name="user" type="search" defaultValue={parsed.user} className={inputClass} />
        </div>
        <div>
          <label htmlFor="filter-actor" className="text-sm font-medium text-slate-800">
            Actor email
          </label>
          <input id="filter-actor" name="actor" type="search" defaultValue={parsed.actor} className={inputClass} />
        </div>
        <div>
          <label htmlFor="filter-type" className="text-sm font-medium text-slate-800">
            Type
          </label>
          <select id="filter-type" name="type" defaultValue={parsed.type ?? ""} className={inputClass}>
            <option value="">All events</option>
            {AUDIT_EVENT_NAMES.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="filter-from" className="text-sm font-medium text-slate-800">
            From
          </label>
          <input id="filter-from" name="from" type="date" defaultValue={single("from")} className={inputClass} />
        </div>
        <div>
          <label htmlFor="filter-to" className="text-sm font-medium text-slate-800">
            To
          </label>
          <input id="filter-to" name="to" type="date" defaultValue={single("to")} className={inputClass} />
        </div>
        <div className="flex items-end">
          <button
            type="submit"
            className="w-full rounded-lg bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700"
          >
            Filter
          </button>
        </div>
      </form>

      {/* Focusable and named, so keyboard users can scroll a wide table (axe: scrollable-region-focusable). */}
      <div
        tabIndex={0}
        role="region"
        aria-label="Audit events"
        className="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm focus:ring-2 focus:ring-brand-500/30 focus:outline-none"
      >
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <caption className="sr-only">Audit events, newest first</caption>
          <thead className="bg-slate-50 text-left text-slate-700">
            <tr>
              <th scope="col" className="px-4 py-3 font-semibold">
                When
              </th>
              <th scope="col" className="px-4 py-3 font-semibold">
                Event
              </th>
              <th scope="col" className="px-4 py-3 font-semibold">
                Actor
              </th>
              <th scope="col" className="px-4 py-3 font-semibold">
                User
              </th>
              <th scope="col" className="px-4 py-3 font-semibold">
                IP address
              </th>
              <th scope="col" className="px-4 py-3 font-semibold">
                Details
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {events.map((row) => (
              <tr key={row.id}>
                <td className="whitespace-nowrap px-4 py-3 text-slate-700">
                  <LocalTime date={row.createdAt} />
                </td>
                <td className="px-4 py-3 font-mono text-xs text-slate-900">{row.type}</td>
                <td className="px-4 py-3 text-slate-700">{row.actorEmail ?? "—"}</td>
                <td className="px-4 py-3 text-slate-700">{row.targetEmail ?? "—"}</td>
                <td className="px-4 py-3 text-slate-700">{row.ip ?? "—"}</td>
                <td className="max-w-md break-words px-4 py-3 text-xs text-slate-600">
                  {describeDetails(row.details)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {events.length === 0 ? <p className="p-6 text-center text-sm text-slate-600">No events match.</p> : null}
      </div>
      {nextBefore ? (
        <nav aria-label="Pages" className="text-right text-sm">
          <Link
            href={`/admin/audit?${new URLSearchParams([...nextParams, ["before", String(nextBefore)]])}`}
            className="font-medium text-brand-700 hover:underline"
          >
            Older events
          </Link>
        </nav>
      ) : null}
    </div>
  );
}
