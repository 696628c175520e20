import Link from "next/link";
import type { RoleHolder } from "@/lib/data/roles";

function how(holder: RoleHolder): string {
  const groups = holder.throughGroups.length ? `through ${holder.throughGroups.join(", ")}` : "";
  return [holder.direct ? "directly" : "", groups].filter(Boolean).join(" and ");
}

/** Who holds a role, each once, with how they came to hold it. */
export function RoleHolders({ holders }: { holders: RoleHolder[] }) {
  if (holders.length === 0) return <p className="text-sm text-slate-600">No one holds this role.</p>;
  return (
    <ul className="divide-y divide-slate-100">
      {holders.map((holder) => (
        <li key={holder.id} className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 py-2 text-sm">
          <Link href={`/admin/users/${holder.id}`} className="min-w-0 break-words text-brand-700 hover:underline">
            {holder.name} <span className="text-slate-600">({holder.email})</span>
          </Link>
          <span className="text-slate-600">{how(holder)}</span>
        </li>
      ))}
    </ul>
  );
}
