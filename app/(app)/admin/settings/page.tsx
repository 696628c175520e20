import type { Metadata } from "next";
import { AuditRetentionForm } from "@/app/(app)/admin/settings/_components/audit-retention-form";
import { ReminderForm } from "@/app/(app)/admin/settings/_components/reminder-form";
import { SignInProtectionForm } from "@/app/(app)/admin/settings/_components/sign-in-protection-form";
import { OrganisationSettingsForm } from "@/app/(app)/admin/settings/_components/organisation-settings-form";
import { SignOutAllForm } from "@/app/(app)/admin/settings/_components/sign-out-all-form";
import { Card } from "@/components/ui/card";
import { Notice } from "@/components/ui/notice";
import { requirePermission } from "@/lib/auth/guards";
import { getSettingsPage } from "@/lib/data/organisation-settings";
import { getReminderDays } from "@/lib/data/reminder-settings";
import { disabledPolicyNotice } from "@/lib/two-factor/policy/disabled-notice";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const current = await requirePermission("settings:manage");
  // mayChange: settings act on everyone (see the actions), so they are offered only to someone who may act on everyone.
  const { settings, signInProtection, auditRetentionDays, mayChange, peopleWithFactor } =
    await getSettingsPage(current);
  const reminderDays = await getReminderDays(current);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Settings</h1>
        <p className="mt-1 text-sm text-slate-600">How people of {current.organisation.name} sign in.</p>
      </div>
      {mayChange ? null : (
        <Notice>
          Settings apply to everyone, including people who hold permissions you do not: only an administrator who holds
          every permission they hold can change them.
        </Notice>
      )}
      <Card title="Sign-in policy" id="policy">
        <OrganisationSettingsForm
          settings={settings}
          editable={mayChange}
          disabledNotice={peopleWithFactor === null ? null : disabledPolicyNotice(peopleWithFactor)}
        />
      </Card>
      <SignInProtectionForm settings={signInProtection} editable={mayChange} />
      <ReminderForm days={reminderDays} editable={mayChange} />
      <AuditRetentionForm days={auditRetentionDays} editable={mayChange} />
      {mayChange ? (
        <Card
          title="Sign out all users"
          id="sign-out-all"
          description="Ends every session in the organisation at once, for example after a suspected breach."
        >
          <SignOutAllForm />
        </Card>
      ) : null}
    </div>
  );
}
