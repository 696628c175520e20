import { confirmMobileChangeAction, startMobileChangeAction } from "@/app/(app)/profile/mobile-actions";
import { SentCodeForm } from "@/app/(app)/profile/_components/sent-code-form";
import { Card } from "@/components/ui/card";
import type { OwnMobile } from "@/lib/data/profile-mobile";
import { formatPhone } from "@/lib/format";
import { phoneCountries } from "@/lib/phone-countries";

/** "Mobile number": where codes by text message go, once a code sent to it was typed back. */
export function MobileSection({ mobile, defaultCountry }: { mobile: OwnMobile; defaultCountry: string }) {
  return (
    <Card
      title="Mobile number"
      id="mobile"
      description="Sign-in codes go to it by text message once you have verified it. Changing it needs your password."
    >
      <div className="space-y-4">
        <p className="text-sm text-slate-800">
          {mobile.mobileNumber ? (
            <>
              Current: <span className="font-medium">{formatPhone(mobile.mobileNumber)}</span>{" "}
              {mobile.verified ? (
                <span className="rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-800">
                  Verified
                </span>
              ) : (
                <span className="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900">
                  Not verified
                </span>
              )}
            </>
          ) : (
            "No mobile number: codes come by email."
          )}
        </p>
        <SentCodeForm
          startAction={startMobileChangeAction}
          confirmAction={confirmMobileChangeAction}
          fields={[
            {
              id: "mobile-number",
              name: "mobileNumber",
              label: "Mobile number",
              type: "tel",
              hint: `As you dial it at home, or starting with + and the country code.${mobile.mobileNumber ? " Leave it empty to remove your number." : ""}`,
              phone: { countries: phoneCountries(), country: defaultCountry },
            },
            {
              id: "mobile-password",
              name: "currentPassword",
              label: "Current password",
              type: "password",
              autoComplete: "current-password",
            },
          ]}
          startLabel="Save mobile number"
          confirmLabel="Verify number"
          reveal={{ label: mobile.mobileNumber ? "Change mobile number" : "Add a mobile number" }}
        />
      </div>
    </Card>
  );
}
