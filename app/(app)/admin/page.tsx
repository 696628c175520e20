import type { Metadata } from "next";
import Link from "next/link";
import { Card } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import { segmentHref } from "@/lib/admin/adoption-labels";
import { requirePermission } from "@/lib/auth/guards";
import { getAdoptionOverview } from "@/lib/data/adoption";
import { AdoptionBar } from "@/app/(app)/admin/_components/adoption-bar";
import { AdoptionHistory } from "@/app/(app)/admin/_components/adoption-history";
import { AdoptionPatterns } from "@/app/(app)/admin/_components/adoption-patterns";
import { AdoptionTable } from "@/app/(app)/admin/_components/adoption-table";
import { RecountForm } from "@/app/(app)/admin/_components/recount-form";

export const metadata: Metadata = { title: "Two-factor adoption" };

export default async function AdminOverviewPage() {
  const current = await requirePermission("users:read");
  const { adoption, history } = await getAdoptionOverview(current);
  return (
    <div className="space-y-6">
      <AdoptionPatterns />
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Two-factor adoption</h1>
        <p className="mt-1 text-sm text-slate-600">
          Who in {current.organisation.name} is protected by a second factor, and who is not yet.
        </p>
      </div>
      <Card title="Users by two-factor state" id="adoption-now">
        <div className="space-y-6">
          {adoption.countedAt ? (
            <div className="flex flex-wrap items-center justify-between gap-3 rounded-lg bg-slate-50 px-4 py-3 text-sm text-slate-700">
              <p>
                Counted at <LocalTime date={adoption.countedAt} />: a large organisation is counted every minute. The
                users list counts live.
              </p>
              <RecountForm />
            </div>
          ) : null}
          <AdoptionBar adoption={adoption} />
          <AdoptionTable adoption={adoption} />
        </div>
      </Card>
      {adoption.nearestDeadlines.length > 0 ? (
        <Card
          title="Nearest deadlines"
          id="nearest-deadlines"
          description="People required to use 2FA whose grace period ends soonest."
        >
          <ul className="divide-y divide-slate-100 text-sm">
            {adoption.nearestDeadlines.map((person) => (
              <li key={person.id} className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 py-2">
                <span>
                  <Link href={`/admin/users/${person.id}`} className="font-medium text-brand-700 hover:underline">
                    {person.name}
                  </Link>{" "}
                  <span className="text-slate-600">{person.email}</span>
                </span>
                <span className="text-slate-800">
                  by <LocalTime date={person.deadline} />
                </span>
              </li>
            ))}
          </ul>
          <p className="mt-3 text-sm">
            <Link href={segmentHref("in_grace")} className="font-medium text-brand-700 hover:underline">
              Everyone in their grace period
            </Link>
          </p>
        </Card>
      ) : null}
      <Card title="Adoption over the last 90 days" id="adoption-history">
        <AdoptionHistory history={history} />
      </Card>
    </div>
  );
}
