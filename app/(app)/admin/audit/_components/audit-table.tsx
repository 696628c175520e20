import { LocalTime } from "@/components/ui/local-time";
import type { AuditChange, AuditLogEvent, AuditPerson } from "@/lib/data/audit-log";

/** Shown at once; the rest of a long event behind a disclosure, so one row never towers over the others. */
const VISIBLE_CHANGES = 3;

function Person({ person }: { person: AuditPerson | null }) {
  if (!person) return <span className="text-slate-500">—</span>;
  return (
    <>
      <span className="block text-slate-900">{person.name}</span>
      <span className="block text-xs break-all text-slate-600">{person.email}</span>
    </>
  );
}

function Change({ change }: { change: AuditChange }) {
  return (
    <li>
      <span className="font-medium text-slate-700">{change.label}:</span>{" "}
      {change.before !== undefined ? (
        <>
          <span className="text-slate-600">{change.before}</span> →{" "}
          <span className="text-slate-900">{change.after}</span>
        </>
      ) : (
        <span className="text-slate-900">{change.after}</span>
      )}
    </li>
  );
}

function Changes({ changes }: { changes: AuditChange[] }) {
  if (changes.length === 0) return <span className="text-slate-500">—</span>;
  const shown = changes.slice(0, VISIBLE_CHANGES);
  const more = changes.slice(VISIBLE_CHANGES);
  return (
    <>
      <ul className="space-y-0.5 break-words">
        {shown.map((change) => (
          <Change key={change.label} change={change} />
        ))}
      </ul>
      {more.length > 0 ? (
        <details className="mt-1">
          <summary className="cursor-pointer text-brand-700">{more.length} more</summary>
          <ul className="mt-1 space-y-0.5 break-words">
            {more.map((change) => (
              <Change key={change.label} change={change} />
            ))}
          </ul>
        </details>
      ) : null}
    </>
  );
}

/**
 * The events as a table that fits its box on a desktop (fixed columns, text
 * wraps) and scrolls inside it on a phone, never the page.
 */
export function AuditTable({ events }: { events: AuditLogEvent[] }) {
  return (
    // Focusable and named, so keyboard users can scroll it on a narrow screen (axe: scrollable-region-focusable).
    <div
      tabIndex={0}
      role="region"
      aria-label="Audit events"
      className="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm focus:ring-2 focus:ring-brand-500/30 focus:outline-none"
    >
      <table className="w-full min-w-[56rem] table-fixed divide-y divide-slate-200 text-sm">
        <caption className="sr-only">Audit events, newest first</caption>
        <colgroup>
          {/* Shares, not lengths: the details get a third of whatever width there is. */}
          <col className="w-[14%]" />
          <col className="w-[19%]" />
          <col className="w-[17%]" />
          <col className="w-[17%]" />
          <col className="w-[33%]" />
        </colgroup>
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
              Details
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 align-top">
          {events.map((row) => (
            <tr key={row.id}>
              <td className="px-4 py-3 text-slate-700">
                <LocalTime date={row.createdAt} />
                {row.ip ? (
                  <span className="mt-0.5 block font-mono text-xs break-all text-slate-600">{row.ip}</span>
                ) : null}
              </td>
              <td className="px-4 py-3">
                <span className="block text-slate-900">{row.label}</span>
                <span className="block font-mono text-xs break-all text-slate-600">{row.type}</span>
              </td>
              <td className="px-4 py-3">
                <Person person={row.actor} />
              </td>
              <td className="px-4 py-3">
                <Person person={row.target} />
              </td>
              <td className="px-4 py-3 text-xs text-slate-700">
                <Changes changes={row.changes} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {events.length === 0 ? <p className="p-6 text-center text-sm text-slate-600">No events match.</p> : null}
    </div>
  );
}
