import type { PhoneCountry } from "@/lib/phone-countries";

/**
 * "Country" and "Mobile number": a number can be typed the way people write
 * it at home ("07911 123456"), or with + and the country code whatever the
 * country says. The server reads both (lib/profile-schemas.ts,
 * parseMobileNumber); the list comes from the server too (phoneCountries).
 */
export function PhoneNumberField({
  id,
  countries,
  country,
  number,
  hint,
  errors,
  autoFocus,
}: {
  id: string;
  countries: PhoneCountry[];
  country: string;
  number?: string;
  hint?: string;
  errors?: { country?: string; mobileNumber?: string };
  autoFocus?: boolean;
}) {
  const described = (name: string, error?: string) =>
    [hint ? `${id}-hint` : null, error ? `${id}-${name}-error` : null].filter(Boolean).join(" ") || undefined;
  const control =
    "mt-1 block w-full rounded-lg border bg-white px-3 py-2 text-sm shadow-sm focus:border-brand-500 focus:ring-2 focus:ring-brand-500/30 focus:outline-none";
  return (
    <div className="space-y-1">
      {hint ? (
        <p id={`${id}-hint`} className="text-xs text-slate-600">
          {hint}
        </p>
      ) : null}
      <div className="grid gap-3 sm:grid-cols-[minmax(0,12rem)_minmax(0,1fr)]">
        <div className="min-w-0">
          <label htmlFor={`${id}-country`} className="block text-sm font-medium text-slate-800">
            Country
          </label>
          <select
            id={`${id}-country`}
            name="country"
            defaultValue={country}
            aria-invalid={errors?.country ? true : undefined}
            aria-describedby={described("country", errors?.country)}
            className={`${control} ${errors?.country ? "border-red-500" : "border-slate-300"}`}
          >
            {countries.map((option) => (
              <option key={option.code} value={option.code}>
                {option.label}
              </option>
            ))}
          </select>
        </div>
        <div className="min-w-0">
          <label htmlFor={id} className="block text-sm font-medium text-slate-800">
            Mobile number
          </label>
          <input
            id={id}
            name="mobileNumber"
            type="tel"
            autoComplete="tel"
            defaultValue={number}
            autoFocus={autoFocus}
            aria-invalid={errors?.mobileNumber ? true : undefined}
            aria-describedby={described("mobileNumber", errors?.mobileNumber)}
            className={`${control} placeholder:text-slate-400 ${errors?.mobileNumber ? "border-red-500" : "border-slate-300"}`}
          />
        </div>
      </div>
      {[
        ["country", errors?.country],
        ["mobileNumber", errors?.mobileNumber],
      ].map(([name, error]) =>
        error ? (
          <p key={name} id={`${id}-${name}-error`} className="text-sm text-red-700">
            {error}
          </p>
        ) : null,
      )}
    </div>
  );
}
