import type { Metadata } from "next";
import { eq } from "drizzle-orm";
import { AuditRetentionForm } from "@/app/(app)/admin/settings/_components/audit-retention-form";
import { SignInProtectionForm } from "@/app/(app)/admin/settings/_components/sign-in-protection-form";
import { OrganisationSettingsForm } from "@/app/(app)/admin/settings/_components/organisation-settings-form";
import { SignOutAllForm } from "@/app/(app)/admin/settings/_components/sign-out-all-form";
import { Card } from "@/components/ui/card";
import { Notice } from "@/components/ui/notice";
import { getDb } from "@/db";
import { organisations } from "@/db/schema";
import { refusalToActOnEveryone } from "@/lib/admin/delegated-change";
import { requirePermission } from "@/lib/auth/guards";
import { countPeopleWithFactor, disabledPolicyNotice } from "@/lib/two-factor/policy/disabled-notice";
import { signInProtectionOf } from "@/lib/organisations/sign-in-protection";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const { organisation, user } = await requirePermission("settings:manage");
  const { duoSecretKeyEncrypted, ...settings } = getDb().select().from(organisations).where(eq(organisations.id, organisation.id)).get()!;
  // Settings act on everyone (see the actions): offer them only to someone who may act on everyone.
  const mayChange = !refusalToActOnEveryone(getDb(), organisation.id, user.id);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Settings</h1>
        <p className="mt-1 text-sm text-slate-600">How people of {organisation.name} sign in.</p>
      </div>
      {mayChange ? null : (
        <Notice>Settings apply to everyone, including people who hold permissions you do not: only an administrator who holds every permission they hold can change them.</Notice>
      )}
      <Card title="Sign-in policy" id="policy">
        <OrganisationSettingsForm
          settings={{ ...settings, duoSecretKeySaved: Boolean(duoSecretKeyEncrypted) }}
          editable={mayChange}
          disabledNotice={settings.twoFactorPolicy === "disabled" ? null : disabledPolicyNotice(countPeopleWithFactor(getDb(), organisation.id))}
        />
      </Card>
      <SignInProtectionForm settings={signInProtectionOf(settings)} editable={mayChange} />
      <AuditRetentionForm days={settings.auditRetentionDays} editable={mayChange} />
      {mayChange ? (
        <Card title="Sign out all users" id="sign-out-all" description="Ends every session in the organisation at once, for example after a suspected breach.">
          <SignOutAllForm />
        </Card>
      ) : null}
    </div>
  );
}
