import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { REQUIREMENT_LABELS } from "@/lib/admin/labels";
import { METHOD_LABELS } from "@/lib/two-factor/policy/methods";
import { USER_SORTS, type UserListQuery } from "@/lib/admin/user-directory";
import { grantChoicesOf, pendingRecoveryRequestsOf, usersOfOrganisation } from "@/lib/data/admin-users-list";
import { getCurrentPermissions, requirePermission } from "@/lib/auth/guards";
import { InvitationCreateForm } from "@/app/(app)/admin/users/_components/invitation-create-form";
import { RecoveryRequestsCard } from "@/app/(app)/admin/users/_components/recovery-requests-card";
import { LocalTime } from "@/components/ui/local-time";

export const metadata: Metadata = { title: "Users" };

// Anything unexpected in the address falls back to the default, never to an error page.
const querySchema = z.object({
  q: z.string().trim().max(100).catch(""),
  sort: z.enum(USER_SORTS).catch("name"),
  direction: z.enum(["asc", "desc"]).catch("asc"),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

const COLUMNS = [
  { sort: "name", label: "Name" },
  { sort: "email", label: "Email" },
] as const;

function href(query: UserListQuery, changes: Partial<UserListQuery>) {
  const next = { ...query, ...changes };
  const params = new URLSearchParams();
  if (next.q) params.set("q", next.q);
  if (next.sort !== "name") params.set("sort", next.sort);
  if (next.direction !== "asc") params.set("direction", next.direction);
  if (next.page > 1) params.set("page", String(next.page));
  const search = params.toString();
  return `/admin/users${search ? `?${search}` : ""}`;
}

export default async function UsersPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const current = await requirePermission("users:read");
  const { organisation } = current;
  const canInvite = (await getCurrentPermissions(current.user.id)).has("users:manage");
  const raw = await searchParams;
  const query: UserListQuery = querySchema.parse({
    q: typeof raw.q === "string" ? raw.q : undefined,
    sort: raw.sort,
    direction: raw.direction,
    page: raw.page,
  });
  const { rows, hasMore } = await usersOfOrganisation(current, query);
  const recoveryRequests = await pendingRecoveryRequestsOf(current);
  const grantChoices = canInvite ? await grantChoicesOf(current) : null;

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Users</h1>
        <p className="mt-1 text-sm text-slate-600">Everyone in {organisation.name}, and how they sign in.</p>
      </div>

      <RecoveryRequestsCard requests={recoveryRequests} />

      {grantChoices ? <InvitationCreateForm {...grantChoices} /> : null}

      <form role="search" action="/admin/users" className="flex flex-wrap items-end gap-3">
        <div>
          <label htmlFor="q" className="block text-sm font-medium text-slate-800">
            Search
          </label>
          <input
            id="q"
            name="q"
            type="search"
            defaultValue={query.q}
            placeholder="Start of a name or email"
            className="mt-1 w-72 rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-brand-500 focus:ring-2 focus:ring-brand-500/30 focus:outline-none"
          />
        </div>
        {query.sort !== "name" ? <input type="hidden" name="sort" value={query.sort} /> : null}
        {query.direction !== "asc" ? <input type="hidden" name="direction" value={query.direction} /> : null}
        <button
          type="submit"
          className="rounded-lg bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700"
        >
          Search
        </button>
      </form>

      <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm">
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <caption className="sr-only">Users, sorted by {query.sort}</caption>
          <thead className="bg-slate-50 text-left text-slate-700">
            <tr>
              {COLUMNS.map((column) => {
                const active = query.sort === column.sort;
                const ariaSort = active ? (query.direction === "asc" ? "ascending" : "descending") : undefined;
                return (
                  <th key={column.sort} scope="col" aria-sort={ariaSort} className="px-4 py-3 font-semibold">
                    <Link
                      href={href(query, {
                        sort: column.sort,
                        direction: active && query.direction === "asc" ? "desc" : "asc",
                        page: 1,
                      })}
                      className="hover:underline"
                    >
                      {column.label}
                      {active ? <span aria-hidden="true">{query.direction === "asc" ? " ▲" : " ▼"}</span> : null}
                    </Link>
                  </th>
                );
              })}
              <th scope="col" className="px-4 py-3 font-semibold">
                Two-factor
              </th>
              <th scope="col" className="px-4 py-3 font-semibold">
                Requirement
              </th>
              <th scope="col" className="px-4 py-3 font-semibold">
                Roles
              </th>
              <th
                scope="col"
                aria-sort={
                  query.sort === "lastSignIn" ? (query.direction === "asc" ? "ascending" : "descending") : undefined
                }
                className="px-4 py-3 font-semibold"
              >
                <Link
                  href={href(query, {
                    sort: "lastSignIn",
                    direction: query.sort === "lastSignIn" && query.direction === "desc" ? "asc" : "desc",
                    page: 1,
                  })}
                  className="hover:underline"
                >
                  Last sign-in
                </Link>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((row) => (
              <tr key={row.id} className="hover:bg-slate-50">
                <td className="px-4 py-3 font-medium text-slate-900">
                  <Link href={`/admin/users/${row.id}`} className="text-brand-700 hover:underline">
                    {row.name}
                  </Link>
                  {row.disabled ? (
                    <span className="ml-2 rounded bg-slate-200 px-1.5 py-0.5 text-xs text-slate-700">Disabled</span>
                  ) : null}
                  {row.isApiAccount ? (
                    <span className="ml-2 rounded bg-sky-100 px-1.5 py-0.5 text-xs text-sky-800">API</span>
                  ) : null}
                  {row.invited ? (
                    <span className="ml-2 rounded bg-amber-100 px-1.5 py-0.5 text-xs text-amber-900">Invited</span>
                  ) : null}
                </td>
                <td className="px-4 py-3 text-slate-700">{row.email}</td>
                <td className="px-4 py-3 text-slate-700">
                  {row.twoFactorMethods.length
                    ? `On: ${row.twoFactorMethods.map((method) => METHOD_LABELS[method]).join(", ")}`
                    : "Off"}
                </td>
                <td className="px-4 py-3 text-slate-700">{REQUIREMENT_LABELS[row.requirement]}</td>
                <td className="px-4 py-3 text-slate-700">{row.roles.join(", ") || "—"}</td>
                <td className="px-4 py-3 text-slate-700">
                  {row.lastSignInAt ? <LocalTime date={row.lastSignInAt} /> : "Never"}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {rows.length === 0 ? (
          <p className="p-6 text-center text-sm text-slate-600">No users match “{query.q}”.</p>
        ) : null}
      </div>

      <nav aria-label="Pages" className="flex items-center justify-between text-sm">
        {query.page > 1 ? (
          <Link href={href(query, { page: query.page - 1 })} className="font-medium text-brand-700 hover:underline">
            Previous page
          </Link>
        ) : (
          <span />
        )}
        <span className="text-slate-600">Page {query.page}</span>
        {hasMore ? (
          <Link href={href(query, { page: query.page + 1 })} className="font-medium text-brand-700 hover:underline">
            Next page
          </Link>
        ) : (
          <span />
        )}
      </nav>
    </div>
  );
}
