import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { z } from "zod";
import { REQUIREMENT_LABELS } from "@/lib/admin/labels";
import { METHOD_LABELS } from "@/lib/two-factor/policy/methods";
import { FALLBACK_LABELS } from "@/lib/admin/two-factor-enrolment";
import {
  MATCH_COUNT_CAP,
  USER_SORTS,
  type UserListQuery,
  type UserListRow,
  type UserSort,
} from "@/lib/admin/user-directory";
import {
  filterChoicesOf,
  grantChoicesOf,
  pendingRecoveryRequestsOf,
  usersOfOrganisation,
} from "@/lib/data/admin-users-list";
import { parseUserFilters, userFilterParams, type UserFilters } from "@/lib/admin/user-filters";
import { UserFilterForm } from "@/app/(app)/admin/users/_components/user-filter-form";
import { plural } from "@/lib/messages";
import { getCurrentPermissions, requirePermission } from "@/lib/auth/guards";
import { ApiAccountCreateForm } from "@/app/(app)/admin/users/_components/api-account-create-form";
import { InvitationCreateForm } from "@/app/(app)/admin/users/_components/invitation-create-form";
import { RecoveryRequestsCard } from "@/app/(app)/admin/users/_components/recovery-requests-card";
import { ExportCsvButton } from "@/components/ui/export-csv-button";
import { LocalTime } from "@/components/ui/local-time";
import { BulkUsers, PageCheckbox, RowCheckbox } from "@/app/(app)/admin/users/_components/bulk-users";

export const metadata: Metadata = { title: "Users" };

// Anything unexpected in the address falls back to the default, never to an error page.
const querySchema = z.object({
  q: z.string().trim().max(100).catch(""),
  sort: z.enum(USER_SORTS).catch("name"),
  direction: z.enum(["asc", "desc"]).catch("asc"),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

/** The list's address: the search, sort and page, and the filters, which every link keeps. */
type ListAddress = UserListQuery & { filters: UserFilters };

/** The sortable columns; `first` is the direction a first click sorts in (latest sign-ins first). */
const SORTABLE = {
  name: { label: "Name", first: "asc", asc: "A to Z", desc: "Z to A" },
  email: { label: "Email", first: "asc", asc: "A to Z", desc: "Z to A" },
  lastSignIn: { label: "Last sign-in", first: "desc", asc: "oldest first", desc: "newest first" },
} as const satisfies Partial<Record<UserSort, { label: string; first: "asc" | "desc"; asc: string; desc: string }>>;

/**
 * A sortable column's header: aria-sort says how the list is sorted now, an
 * arrow shows it, and the link's name says what clicking will do.
 */
function SortHeader({ query, sort }: { query: ListAddress; sort: keyof typeof SORTABLE }) {
  const column = SORTABLE[sort];
  const active = query.sort === sort;
  const next = active ? (query.direction === "asc" ? "desc" : "asc") : column.first;
  return (
    <th
      scope="col"
      aria-sort={active ? (query.direction === "asc" ? "ascending" : "descending") : undefined}
      className={`${CELL} font-semibold whitespace-nowrap`}
    >
      <Link
        href={href(query, { sort, direction: next, page: 1 })}
        aria-label={`${column.label}: sort ${column[next]}`}
        className="inline-flex items-center gap-1 hover:underline"
      >
        {column.label}
        <span aria-hidden="true" className={active ? "text-slate-900" : "text-slate-400"}>
          {active ? (query.direction === "asc" ? "▲" : "▼") : "↕"}
        </span>
      </Link>
    </th>
  );
}

/** Factors the user set up, or the codes a required user gets without setting anything up, told apart. */
function TwoFactorCell({ row }: { row: UserListRow }) {
  const { enrolled, fallback } = row.enrolment;
  if (enrolled.length > 0) return <>On: {enrolled.map((method) => METHOD_LABELS[method]).join(", ")}</>;
  if (fallback)
    return (
      <span className="inline-block rounded bg-amber-50 px-1.5 py-0.5 text-xs whitespace-nowrap text-amber-900 ring-1 ring-amber-200">
        {FALLBACK_LABELS[fallback]}
      </span>
    );
  return <>Off</>;
}

const BADGE = "inline-block rounded px-1.5 py-0.5 text-xs whitespace-nowrap";

/*
 * The table fits the page's column (max-w-5xl) with its tick boxes, at 1280 px
 * and up: cells are a little tighter than elsewhere, and long values wrap
 * (an address breaks before its "@", or anywhere when one part is longer than
 * the column). On a phone it scrolls inside its own box.
 */
const CELL = "px-3 py-3";

/** An email address that may wrap: first before its "@", and within a part only when that part cannot fit. */
function WrappingEmail({ email }: { email: string }) {
  const at = email.lastIndexOf("@");
  if (at <= 0) return <>{email}</>;
  return (
    <>
      {email.slice(0, at)}
      <wbr />
      {email.slice(at)}
    </>
  );
}

function href(query: ListAddress, changes: Partial<UserListQuery>) {
  const next = { ...query, ...changes };
  const params = userFilterParams(query.filters);
  if (next.q) params.set("q", next.q);
  if (next.sort !== "name") params.set("sort", next.sort);
  if (next.direction !== "asc") params.set("direction", next.direction);
  if (next.page > 1) params.set("page", String(next.page));
  const search = params.toString();
  return `/admin/users${search ? `?${search}` : ""}`;
}

/** The export's address: the search and filters, not the sort or page (an export is every match). */
function exportSearch(query: ListAddress): string {
  const params = userFilterParams(query.filters);
  if (query.q) params.set("q", query.q);
  return params.toString();
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
  // The filter form submits its empty fields too: the address keeps only those set, so it reads as the filter.
  const entries = Object.entries(raw).flatMap(([key, value]) =>
    (Array.isArray(value) ? value : [value]).map((item) => [key, item ?? ""] as [string, string]),
  );
  const kept = entries.filter(([, value]) => value !== "");
  if (kept.length < entries.length) {
    const search = new URLSearchParams(kept).toString();
    redirect(search ? `/admin/users?${search}` : "/admin/users");
  }
  const parsedFilters = parseUserFilters(raw);
  const query: ListAddress = {
    ...querySchema.parse({
      q: typeof raw.q === "string" ? raw.q : undefined,
      sort: raw.sort,
      direction: raw.direction,
      page: raw.page,
    }),
    filters: parsedFilters.filters,
  };
  const invalid = Object.keys(parsedFilters.errors).length > 0;
  const listed = invalid
    ? ({ ok: false, errors: parsedFilters.errors } as const)
    : await usersOfOrganisation(current, query, query.filters);
  const errors = listed.ok ? {} : listed.errors;
  const { rows, hasMore } = listed.ok ? listed : { rows: [], hasMore: false };
  const filterChoices = await filterChoicesOf(current);
  const filtered = query.q !== "" || Object.values(parsedFilters.values).some((value) => value !== "");
  const recoveryRequests = await pendingRecoveryRequestsOf(current);
  const grantChoices = canInvite ? await grantChoicesOf(current) : null;

  // Rows can be ticked for a bulk action by those who may manage users, when the list is there to tick.
  const selectable = canInvite && listed.ok;
  // Scrolls inside its own box; the containment keeps a wide table from widening the page on a phone.
  const usersTable = (
    <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm [contain:inline-size]">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <caption className="sr-only">
          Users, sorted by {SORTABLE[query.sort as keyof typeof SORTABLE]?.label.toLowerCase() ?? "date created"}{" "}
          {query.sort in SORTABLE ? SORTABLE[query.sort as keyof typeof SORTABLE][query.direction] : ""}
        </caption>
        <thead className="bg-slate-50 text-left text-slate-700">
          <tr>
            {selectable ? (
              <th scope="col" className="w-8 py-3 pr-0 pl-3">
                <PageCheckbox />
              </th>
            ) : null}
            <SortHeader query={query} sort="name" />
            <SortHeader query={query} sort="email" />
            <th scope="col" className={`${CELL} font-semibold`}>
              Two-factor
            </th>
            <th scope="col" className={`${CELL} font-semibold`}>
              Requirement
            </th>
            <th scope="col" className={`${CELL} font-semibold`}>
              Roles
            </th>
            <SortHeader query={query} sort="lastSignIn" />
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((row) => (
            <tr key={row.id} className="hover:bg-slate-50">
              {selectable ? (
                <td className="py-3 pr-0 pl-3">
                  <RowCheckbox id={row.id} name={row.name} />
                </td>
              ) : null}
              <td className={`${CELL} font-medium text-slate-900`}>
                {/* Badges wrap under the name on a phone instead of squashing. */}
                <div className="flex min-w-32 flex-wrap items-center gap-x-2 gap-y-1">
                  <Link href={`/admin/users/${row.id}`} className="text-brand-700 hover:underline">
                    {row.name}
                  </Link>
                  {row.disabled ? <span className={`${BADGE} bg-slate-200 text-slate-700`}>Disabled</span> : null}
                  {row.isApiAccount ? <span className={`${BADGE} bg-sky-100 text-sky-800`}>API</span> : null}
                  {row.invited ? <span className={`${BADGE} bg-amber-100 text-amber-900`}>Invited</span> : null}
                </div>
              </td>
              <td className={`${CELL} min-w-40 text-slate-700 [overflow-wrap:anywhere]`}>
                <WrappingEmail email={row.email} />
              </td>
              <td className={`${CELL} text-slate-700`}>
                <TwoFactorCell row={row} />
              </td>
              <td className={`${CELL} text-slate-700`}>{REQUIREMENT_LABELS[row.requirement]}</td>
              <td className={`${CELL} text-slate-700`}>{row.roles.join(", ") || "—"}</td>
              {/* Date and time may go on two lines; each stays whole. */}
              <td className={`${CELL} min-w-28 text-slate-700`}>
                {row.lastSignInAt ? <LocalTime date={row.lastSignInAt} /> : "Never"}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 ? (
        <p className="p-6 text-center text-sm text-slate-600">
          {query.q ? `No users match “${query.q}”.` : "No users match these filters."}
        </p>
      ) : null}
    </div>
  );

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Users</h1>
        <p className="mt-1 text-sm text-slate-600">Everyone in {organisation.name}, and how they sign in.</p>
      </div>

      <RecoveryRequestsCard requests={recoveryRequests} />

      {grantChoices ? (
        <div className="flex flex-wrap items-start gap-3">
          <InvitationCreateForm {...grantChoices} />
          <ApiAccountCreateForm {...grantChoices} />
        </div>
      ) : null}

      <UserFilterForm
        values={parsedFilters.values}
        errors={errors}
        q={query.q}
        sort={query.sort}
        direction={query.direction}
        roles={filterChoices.roles}
        groups={filterChoices.groups}
        active={filtered}
      />

      <div className="flex flex-wrap items-center justify-between gap-3">
        <p role="status" className="text-sm text-slate-700">
          {!listed.ok ? (
            "Fix the filters above to see users."
          ) : listed.countedAt ? (
            <>
              About {listed.matches.toLocaleString("en-GB")}{" "}
              {!filtered ? "users in total" : listed.matches === 1 ? "user matches" : "users match"} (counted at{" "}
              <LocalTime date={listed.countedAt} />, as on the overview; the list itself is live)
            </>
          ) : listed.matches > MATCH_COUNT_CAP ? (
            `More than ${MATCH_COUNT_CAP.toLocaleString("en-GB")} users match`
          ) : (
            `${plural(listed.matches, "user")} ${filtered ? (listed.matches === 1 ? "matches" : "match") : "in total"}`
          )}
        </p>
        {listed.ok ? <ExportCsvButton action="/admin/users/export" search={exportSearch(query)} /> : null}
      </div>

      {selectable ? (
        <BulkUsers
          rows={rows.map(({ id, name }) => ({ id, name }))}
          matches={listed.matches}
          matchCap={MATCH_COUNT_CAP}
          approximate={listed.ok && listed.countedAt !== null}
          filtered={filtered}
          search={exportSearch(query)}
        >
          {usersTable}
        </BulkUsers>
      ) : (
        usersTable
      )}

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
