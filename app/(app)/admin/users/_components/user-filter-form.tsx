import Link from "next/link";
import type { ReactNode } from "react";
import { Field } from "@/components/ui/field";
import { buttonClasses } from "@/components/ui/button-classes";
import { METHOD_LABELS } from "@/lib/two-factor/policy/methods";
import {
  FILTER_METHODS,
  FILTER_REQUIREMENTS,
  OVERRIDE_LABELS,
  USER_STATE_LABELS,
  USER_STATES,
  type ParsedUserFilters,
  type UserFilterValues,
} from "@/lib/admin/user-filters";
import type { FilterChoice } from "@/lib/data/admin-users-list";

const selectClass =
  "mt-1 block w-full rounded-lg border bg-white px-3 py-2 text-sm shadow-sm focus:border-brand-500 focus:ring-2 focus:ring-brand-500/30 focus:outline-none";

/** A labelled select whose first choice is "Any" (no filter); its error is tied to it. */
function Select({
  id,
  name,
  label,
  value,
  error,
  children,
}: {
  id: string;
  name: string;
  label: string;
  value: string;
  error?: string;
  children: ReactNode;
}) {
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <select
        id={id}
        name={name}
        defaultValue={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        className={`${selectClass} ${error ? "border-red-500" : "border-slate-300"}`}
      >
        <option value="">Any</option>
        {children}
      </select>
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/**
 * The users list's filters: a GET form, so the address holds them (a
 * bookmark or the overview's link is the filtered list) and it works
 * without JavaScript. The search box's text and the sort ride along.
 */
export function UserFilterForm({
  values,
  errors,
  q,
  sort,
  direction,
  roles,
  groups,
  active,
}: {
  values: UserFilterValues;
  errors: ParsedUserFilters["errors"];
  q: string;
  sort: string;
  direction: string;
  roles: FilterChoice[];
  groups: FilterChoice[];
  /** Any filter or search is set: offer to clear them. */
  active: boolean;
}) {
  return (
    <form
      role="search"
      aria-label="Filter users"
      action="/admin/users"
      className="space-y-4 rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
    >
      {sort !== "name" ? <input type="hidden" name="sort" value={sort} /> : null}
      {direction !== "asc" ? <input type="hidden" name="direction" value={direction} /> : null}
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <Field label="Search" hint="Start of a name or email" id="q" name="q" type="search" defaultValue={q} />
        <Select id="filter-state" name="state" label="Two-factor status" value={values.state} error={errors.state}>
          {USER_STATES.map((state) => (
            <option key={state} value={state}>
              {USER_STATE_LABELS[state]}
            </option>
          ))}
        </Select>
        <Select id="filter-method" name="method" label="Method set up" value={values.method} error={errors.method}>
          {FILTER_METHODS.map((method) => (
            <option key={method} value={method}>
              {METHOD_LABELS[method]}
            </option>
          ))}
        </Select>
        <Select
          id="filter-requirement"
          name="requirement"
          label="Per-user requirement"
          value={values.requirement}
          error={errors.requirement}
        >
          {FILTER_REQUIREMENTS.map((requirement) => (
            <option key={requirement} value={requirement}>
              {OVERRIDE_LABELS[requirement]}
            </option>
          ))}
        </Select>
        <Select id="filter-role" name="role" label="Role" value={values.role} error={errors.role}>
          {roles.map((role) => (
            <option key={role.id} value={String(role.id)}>
              {role.name}
            </option>
          ))}
        </Select>
        <Select id="filter-group" name="group" label="Group" value={values.group} error={errors.group}>
          {groups.map((group) => (
            <option key={group.id} value={String(group.id)}>
              {group.name}
            </option>
          ))}
        </Select>
        <Field
          label="Grace ends within (days)"
          hint="Required, no factor yet"
          id="filter-grace"
          name="graceWithinDays"
          type="number"
          min={0}
          max={3650}
          inputMode="numeric"
          defaultValue={values.graceWithinDays}
          error={errors.graceWithinDays}
        />
        <Field
          label="Last signed in before"
          hint="Or never signed in"
          id="filter-last-sign-in"
          name="lastSignInBefore"
          type="date"
          defaultValue={values.lastSignInBefore}
          error={errors.lastSignInBefore}
        />
      </div>
      <div className="flex flex-wrap items-center gap-4">
        <button type="submit" className={buttonClasses("primary")}>
          Search
        </button>
        {active ? (
          <Link href="/admin/users" className="text-sm font-medium text-brand-700 hover:underline">
            Clear filters
          </Link>
        ) : null}
      </div>
    </form>
  );
}
