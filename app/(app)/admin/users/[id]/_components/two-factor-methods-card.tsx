import { Subsection } from "@/app/(app)/admin/users/[id]/_components/subsection";
import { requirementLabel } from "@/lib/admin/labels";
import type { AdminUserDetail } from "@/lib/data/admin-user-detail";
import { formatPhone } from "@/lib/format";
import { METHOD_LABELS } from "@/lib/two-factor/policy/methods";

/** What is required of the user, what they can use, and where their codes go. */
export function TwoFactorMethodsCard({
  user,
  requirement,
  methods,
  codes,
}: Pick<AdminUserDetail, "user" | "requirement" | "methods" | "codes">) {
  return (
    <Subsection title="Two-factor methods" id="methods">
      <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-[max-content_1fr]">
        <dt className="font-medium text-slate-700">Effective requirement</dt>
        <dd className="text-slate-900">{requirementLabel(requirement)}</dd>
        <dt className="font-medium text-slate-700">Methods in use</dt>
        <dd className="text-slate-900">
          {methods.length === 0 ? "None" : methods.map((method) => METHOD_LABELS[method]).join(", ")}
          {methods.includes("code") && !user.codesEnabledAt ? " (because two-factor authentication is required)" : ""}
        </dd>
        <dt className="font-medium text-slate-700">Codes go</dt>
        <dd className="text-slate-900">
          {codes.channel === "sms" ? "By text message" : "By email"} to {codes.maskedDestination}
        </dd>
        <dt className="font-medium text-slate-700">Mobile number</dt>
        <dd className="text-slate-900">
          {user.mobileNumber
            ? `${formatPhone(user.mobileNumber)} (${user.mobileVerifiedAt ? "verified" : "not verified"})`
            : "None"}
        </dd>
      </dl>
    </Subsection>
  );
}
