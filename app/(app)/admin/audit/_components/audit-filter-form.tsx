import Link from "next/link";
import { Field } from "@/components/ui/field";
import { buttonClasses } from "@/components/ui/button-classes";
import { auditTypesByArea, type AuditAreaId } from "@/lib/audit-areas";
import type { AuditFilterValues, ParsedAuditFilter } from "@/lib/audit-log-filter";

const chipClass =
  "inline-flex cursor-pointer items-center gap-2 rounded-full border border-slate-300 bg-white px-3 py-1 text-sm text-slate-800 hover:bg-slate-50 has-[:checked]:border-brand-600 has-[:checked]:bg-brand-50 has-[:checked]:text-brand-800 has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-brand-500/40";

function Chip({ name, value, label, checked }: { name: string; value: string; label: string; checked: boolean }) {
  return (
    <label className={chipClass}>
      <input type="checkbox" name={name} value={value} defaultChecked={checked} className="size-4 accent-brand-600" />
      {label}
    </label>
  );
}

/**
 * The audit log's filter: a GET form, so every choice lives in the address
 * (a link to an investigation is the investigation). Areas and types are
 * checkbox chips; types show for the chosen areas, or all of them.
 */
export function AuditFilterForm({
  values,
  errors,
  active,
}: {
  values: AuditFilterValues;
  errors: ParsedAuditFilter["errors"];
  /** Any filter is set: offer to clear them. */
  active: boolean;
}) {
  const areas = auditTypesByArea();
  const shownAreas = areas.filter(
    (area) =>
      values.areas.length === 0 ||
      values.areas.includes(area.id) ||
      area.types.some((type) => values.types.includes(type.name)),
  );
  const chosenTypes = values.types.length;
  return (
    <form
      role="search"
      aria-label="Filter events"
      action="/admin/audit"
      className="space-y-4 rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
    >
      {values.userId ? <input type="hidden" name="userId" value={values.userId} /> : null}
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <Field
          label="Actor"
          hint="Part of a name or an email"
          id="filter-actor"
          name="actor"
          type="search"
          defaultValue={values.actor}
        />
        <Field
          label="User"
          hint="Who the event was about"
          id="filter-user"
          name="user"
          type="search"
          defaultValue={values.user}
        />
        <Field label="From" id="filter-from" name="from" type="date" defaultValue={values.from} error={errors.from} />
        <Field label="To" id="filter-to" name="to" type="date" defaultValue={values.to} error={errors.to} />
      </div>
      <fieldset>
        <legend className="text-sm font-medium text-slate-800">Area</legend>
        <div className="mt-2 flex flex-wrap gap-2">
          {areas.map((area) => (
            <Chip
              key={area.id}
              name="area"
              value={area.id}
              label={area.label}
              checked={values.areas.includes(area.id as AuditAreaId)}
            />
          ))}
        </div>
      </fieldset>
      <details open={chosenTypes > 0 || values.areas.length > 0} className="group">
        <summary className="cursor-pointer text-sm font-medium text-slate-800">
          Event types{chosenTypes > 0 ? ` (${chosenTypes} chosen)` : ""}
        </summary>
        <div className="mt-2 space-y-3">
          {shownAreas.map((area) => (
            <fieldset key={area.id}>
              <legend className="text-xs font-semibold tracking-wide text-slate-600 uppercase">{area.label}</legend>
              <div className="mt-1 flex flex-wrap gap-2">
                {area.types.map((type) => (
                  <Chip
                    key={type.name}
                    name="type"
                    value={type.name}
                    label={type.label}
                    checked={values.types.includes(type.name)}
                  />
                ))}
              </div>
            </fieldset>
          ))}
        </div>
      </details>
      <div className="flex flex-wrap items-center gap-4">
        <button type="submit" className={buttonClasses("primary")}>
          Filter
        </button>
        {active ? (
          <Link href="/admin/audit" className="text-sm font-medium text-brand-700 hover:underline">
            Clear filters
          </Link>
        ) : null}
      </div>
    </form>
  );
}
