import type { Metadata } from "next";
import Link from "next/link";
import { eq } from "drizzle-orm";
import { getDb } from "@/db";
import { organisations } from "@/db/schema";
import { Card } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/guards";
import { rolesOfUser } from "@/lib/auth/permissions";
import { REQUIREMENT_LABELS } from "@/lib/admin/labels";
import { describeMethods, twoFactorStatus } from "@/lib/two-factor/status";

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
  const { user } = await requireUser();
  const db = getDb();
  const organisation = db.select().from(organisations).where(eq(organisations.id, user.organisationId)).get()!;
  const heldRoles = rolesOfUser(db, user.id);
  const twoFactor = twoFactorStatus(db, user.id);
  const { requirement } = twoFactor;

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
            <Detail term="Roles">{heldRoles.length ? heldRoles.map((role) => role.name).join(", ") : "None"}</Detail>
          </dl>
        </Card>
        <Card title="Organisation" id="organisation">
          <dl className="divide-y divide-slate-100">
            <Detail term="Name">{organisation.name}</Detail>
            <Detail term="Two-factor policy">{POLICY_LABELS[organisation.twoFactorPolicy]}</Detail>
            <Detail term="Two-factor for you">{REQUIREMENT_LABELS[requirement.level]}</Detail>
            <Detail term="Session length">{organisation.sessionDurationDays} days</Detail>
          </dl>
        </Card>
      </div>
      <Card title="Two-factor authentication" id="two-factor">
        <div className="flex flex-wrap items-center justify-between gap-4">
          <p className="flex items-center gap-2 text-sm text-slate-800">
            <span
              aria-hidden="true"
              className={`inline-block h-2.5 w-2.5 rounded-full ${twoFactor.enabled ? "bg-emerald-500" : "bg-amber-500"}`}
            />
            {twoFactor.enabled
              ? `On: after your password, you enter ${describeMethods(twoFactor.methods)}.`
              : "Off: your account is protected by your password alone."}
          </p>
          <Link href="/profile" className="text-sm font-medium text-brand-700 hover:underline">
            Manage on your profile
          </Link>
        </div>
      </Card>
    </div>
  );
}
