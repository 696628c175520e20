import type { Metadata } from "next";
import Link from "next/link";
import { AddWebhookForm } from "@/app/(app)/admin/webhooks/_components/add-webhook-form";
import { DeliveryState } from "@/app/(app)/admin/webhooks/_components/delivery-state";
import { Card } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import { requireWebhookViewer } from "@/lib/admin/webhook-admin";
import { webhookMessages } from "@/lib/messages";
import { listWebhooks } from "@/lib/data/webhooks";

export const metadata: Metadata = { title: "Webhooks" };

export default async function WebhooksPage({ searchParams }: { searchParams: Promise<{ deleted?: string }> }) {
  const current = await requireWebhookViewer();
  const webhooks = await listWebhooks(current);
  const { deleted } = await searchParams;
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Webhooks</h1>
        <p className="mt-1 text-sm text-slate-600">
          Stream {current.organisation.name}&apos;s audit log to your own systems: each event is POSTed as signed JSON
          and retried until it is delivered.
        </p>
      </div>
      {deleted === "1" ? (
        <p
          role="status"
          className="rounded-lg border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800"
        >
          {webhookMessages.deleted}
        </p>
      ) : null}
      <Card title="Your webhooks" id="webhooks">
        {webhooks.length === 0 ? (
          <p className="text-sm text-slate-600">No webhooks yet.</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="min-w-full text-left text-sm">
              <thead className="text-xs text-slate-600 uppercase">
                <tr>
                  <th scope="col" className="py-2 pr-4 font-medium">
                    URL
                  </th>
                  <th scope="col" className="py-2 pr-4 font-medium">
                    Description
                  </th>
                  <th scope="col" className="py-2 pr-4 font-medium">
                    Status
                  </th>
                  <th scope="col" className="py-2 pr-4 font-medium">
                    Last delivery
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {webhooks.map((webhook) => (
                  <tr key={webhook.id}>
                    <td className="py-2 pr-4 break-all">
                      <Link
                        href={`/admin/webhooks/${webhook.id}`}
                        className="font-medium text-brand-700 hover:underline"
                      >
                        {webhook.url}
                      </Link>
                    </td>
                    <td className="py-2 pr-4 text-slate-700">{webhook.description ?? "—"}</td>
                    <td className="py-2 pr-4 text-slate-700">
                      {webhook.enabled
                        ? "Enabled"
                        : webhook.disabledAutomatically
                          ? webhookMessages.disabledAutomatically
                          : "Disabled"}
                    </td>
                    <td className="py-2 pr-4 text-slate-700">
                      {webhook.lastDelivery ? (
                        <span className="flex flex-wrap items-center gap-2">
                          <DeliveryState state={webhook.lastDelivery.state} />
                          <LocalTime date={webhook.lastDelivery.at} />
                        </span>
                      ) : (
                        "None yet"
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      <Card
        title="Add webhook"
        id="add-webhook"
        description="The signing secret is shown once, when the webhook is added. Hosts on private networks are refused unless the operator allows them."
      >
        <AddWebhookForm />
      </Card>
    </div>
  );
}
