import Link from "next/link";
import type { Permission, RoleSummary } from "@/lib/data/roles";

/** "Requires 2FA", where a role sets it. */
export function RequiresTwoFactorBadge() {
  return (
    <span className="inline-flex items-center rounded-full border border-amber-200 bg-amber-50 px-2 py-0.5 text-xs font-medium whitespace-nowrap text-amber-900">
      Requires 2FA
    </span>
  );
}

/** Every role of the organisation in one table; each name opens its page. */
export function RolesTable({
  roles,
  permissionLabels,
}: {
  roles: RoleSummary[];
  permissionLabels: Record<Permission, string>;
}) {
  return (
    // Focusable and named, so keyboard users can scroll it on a narrow screen (axe: scrollable-region-focusable).
    <div
      tabIndex={0}
      role="region"
      aria-label="Roles"
      className="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm focus:ring-2 focus:ring-brand-500/30 focus:outline-none"
    >
      {/* On a phone the 2FA column folds under the name, so the table fits without scrolling. */}
      <table className="w-full divide-y divide-slate-200 text-sm">
        <caption className="sr-only">Roles, by name</caption>
        <thead className="bg-slate-50 text-left text-slate-700">
          <tr>
            <th scope="col" className="px-4 py-3 font-semibold">
              Role
            </th>
            <th scope="col" className="px-4 py-3 font-semibold">
              Permissions
            </th>
            <th scope="col" className="hidden px-4 py-3 font-semibold sm:table-cell">
              Two-factor
            </th>
            <th scope="col" className="px-4 py-3 text-right font-semibold">
              Holders
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 align-top">
          {roles.map((role) => (
            <tr key={role.id}>
              <th scope="row" className="px-4 py-3 text-left font-medium">
                <Link href={`/admin/roles/${role.id}`} className="break-words text-brand-700 hover:underline">
                  {role.name}
                </Link>
                {role.requireTwoFactor ? (
                  <span className="mt-1 block sm:hidden">
                    <RequiresTwoFactorBadge />
                  </span>
                ) : null}
              </th>
              <td className="px-4 py-3 text-slate-700">
                {role.permissions.length === 0
                  ? "None"
                  : role.permissions.map((permission) => permissionLabels[permission]).join(", ")}
              </td>
              <td className="hidden px-4 py-3 sm:table-cell">
                {role.requireTwoFactor ? (
                  <RequiresTwoFactorBadge />
                ) : (
                  <span className="text-slate-600">Not required</span>
                )}
              </td>
              <td className="px-4 py-3 text-right text-slate-700 tabular-nums">{role.holders}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {roles.length === 0 ? <p className="p-6 text-center text-sm text-slate-600">No roles yet.</p> : null}
    </div>
  );
}
