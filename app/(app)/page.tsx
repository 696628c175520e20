import type { Metadata } from "next";
import { describeIdleMinutes } from "@/lib/auth/session-settings";
import Link from "next/link";
import { RecoveryCodesLowNotice } from "@/components/recovery-codes-low-notice";
import { Card } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/guards";
import { requirementLabel } from "@/lib/admin/labels";
import { handledByIdentityProvider, SSO_SECOND_FACTOR_NOTE } from "@/lib/auth/sso";
import { dashboardOf } from "@/lib/data/home";
import { describeMethods } from "@/lib/two-factor/policy/status";

export const metadata: Metadata = { title: "Dashboard" };

const POLICY_LABELS = { disabled: "Disabled", optional: "Optional", required: "Required" } as const;

function Detail({ term, children }: { term: string; children: React.ReactNode }) {
  return (
    <div className="py-2 sm:grid sm:grid-cols-3 sm:gap-4">
      <dt className="text-sm text-slate-600">{term}</dt>
      <dd className="text-sm font-medium text-slate-900 sm:col-span-2">{children}</dd>
    </div>
  );
}

export default async function DashboardPage() {
  // The organisation comes with the session: no query of its own.
  const current = await requireUser();
  const { user, organisation } = current;
  const { roleNames, requirement, methods, hasFactor, recoveryCodes } = await dashboardOf(current);
  const sso = handledByIdentityProvider(requirement);

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Welcome, {user.name}</h1>
        <p className="mt-1 text-sm text-slate-600">Your account at {organisation.name}.</p>
      </div>
      <div className="grid gap-6 md:grid-cols-2">
        <Card title="You" id="you">
          <dl className="divide-y divide-slate-100">
            <Detail term="Name">{user.name}</Detail>
            <Detail term="Email">{user.email}</Detail>
            <Detail term="Roles">{roleNames.length ? roleNames.join(", ") : "None"}</Detail>
          </dl>
        </Card>
        <Card title="Organisation" id="organisation">
          <dl className="divide-y divide-slate-100">
            <Detail term="Name">{organisation.name}</Detail>
            <Detail term="Two-factor policy">{POLICY_LABELS[organisation.twoFactorPolicy]}</Detail>
            <Detail term="Two-factor for you">{requirementLabel(requirement)}</Detail>
            <Detail term="Session length">
              {organisation.sessionDurationDays} day{organisation.sessionDurationDays === 1 ? "" : "s"}
            </Detail>
            <Detail term="Signed out after inactivity">{describeIdleMinutes(organisation.sessionIdleMinutes)}</Detail>
          </dl>
        </Card>
      </div>
      <Card title="Two-factor authentication" id="two-factor">
        {recoveryCodes.runningLow && hasFactor ? (
          <div className="mb-4">
            <RecoveryCodesLowNotice left={recoveryCodes.left} linkToProfile />
          </div>
        ) : null}
        <div className="flex flex-wrap items-center justify-between gap-4">
          <p className="flex items-center gap-2 text-sm text-slate-800">
            <span
              aria-hidden="true"
              className={`inline-block h-2.5 w-2.5 shrink-0 rounded-full ${hasFactor || sso ? "bg-emerald-500" : "bg-amber-500"}`}
            />
            {sso
              ? SSO_SECOND_FACTOR_NOTE
              : hasFactor
                ? `On: after your password, ${describeMethods(methods)}.`
                : "Off: your account is protected by your password alone."}
          </p>
          {sso ? null : (
            <Link href="/profile" className="text-sm font-medium text-brand-700 hover:underline">
              Manage on your profile
            </Link>
          )}
        </div>
      </Card>
    </div>
  );
}
