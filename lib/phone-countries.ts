import {
  getCountries,
  getCountryCallingCode,
  isSupportedCountry,
  parsePhoneNumberFromString,
  type CountryCode,
} from "libphonenumber-js/max";

/*
 * The "Country" beside "Mobile number": which country a number typed the
 * national way ("07911 123456") belongs to. Names are English, like the rest
 * of the interface, and made on the server so the browser renders the very
 * same list.
 */

export type PhoneCountry = { code: CountryCode; label: string };

/** When nothing better is known: the app's own examples are British numbers. */
export const FALLBACK_PHONE_COUNTRY: CountryCode = "GB";

let options: PhoneCountry[] | null = null;

/** Every country libphonenumber knows, by name: "United Kingdom (+44)". */
export function phoneCountries(): PhoneCountry[] {
  if (!options) {
    const names = new Intl.DisplayNames(["en"], { type: "region" });
    options = getCountries()
      .map((code) => ({ code, label: `${names.of(code) ?? code} (+${getCountryCallingCode(code)})` }))
      .sort((a, b) => a.label.localeCompare(b.label, "en"));
  }
  return options;
}

export function asPhoneCountry(value: string | null | undefined): CountryCode | null {
  const code = value?.trim().toUpperCase();
  return code && isSupportedCountry(code) ? code : null;
}

/**
 * The country to preselect: the stored number's own, else the first region
 * the browser asks for ("en-GB,en;q=0.9" → GB), else GB.
 */
export function defaultPhoneCountry(input: {
  storedNumber: string | null;
  acceptLanguage: string | null;
}): CountryCode {
  const stored = input.storedNumber ? parsePhoneNumberFromString(input.storedNumber)?.country : undefined;
  if (stored) return stored;
  for (const range of (input.acceptLanguage ?? "").split(",").slice(0, 20)) {
    const region = /^\s*[a-z]{2,3}(?:-[a-z]{4})?-([a-z]{2})\b/i.exec(range)?.[1];
    const country = asPhoneCountry(region);
    if (country) return country;
  }
  return FALLBACK_PHONE_COUNTRY;
}
