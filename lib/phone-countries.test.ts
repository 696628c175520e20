import { describe, expect, it } from "vitest";
import { defaultPhoneCountry, phoneCountries } from "@/lib/phone-countries";

describe("the country beside a mobile number", () => {
  it.each([
    [{ storedNumber: "+33612345678", acceptLanguage: "en-GB" }, "FR"],
    [{ storedNumber: null, acceptLanguage: "en-US,en;q=0.9" }, "US"],
    [{ storedNumber: null, acceptLanguage: "fr,de-AT;q=0.8" }, "AT"],
    [{ storedNumber: null, acceptLanguage: "zh-Hant-TW" }, "TW"],
    [{ storedNumber: null, acceptLanguage: "en" }, "GB"],
    [{ storedNumber: null, acceptLanguage: "en-ZZ, *" }, "GB"],
    [{ storedNumber: null, acceptLanguage: null }, "GB"],
  ])("%o preselects %s", (input, country) => {
    expect(defaultPhoneCountry(input)).toBe(country);
  });

  it("lists every country by name with its calling code", () => {
    const countries = phoneCountries();
    expect(countries.find((country) => country.code === "GB")?.label).toBe("United Kingdom (+44)");
    expect(countries.length).toBeGreaterThan(200);
    const labels = countries.map((country) => country.label);
    expect(labels).toEqual([...labels].sort((a, b) => a.localeCompare(b, "en")));
  });
});
