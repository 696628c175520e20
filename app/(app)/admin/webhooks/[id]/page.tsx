import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { retryDeliveryAction, sendTestEventAction, setWebhookEnabledAction } from "@/app/(app)/admin/webhooks/actions";
import { DeleteWebhookForm } from "@/app/(app)/admin/webhooks/_components/delete-webhook-form";
import { DeliveryState } from "@/app/(app)/admin/webhooks/_components/delivery-state";
import { RotateSecretForm } from "@/app/(app)/admin/webhooks/_components/rotate-secret-form";
import { WebhookButtonForm } from "@/app/(app)/admin/webhooks/_components/webhook-button-form";
import { Card } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import { requireWebhookViewer } from "@/lib/admin/webhook-admin";
import { deliveryLog, findWebhook } from "@/lib/data/webhooks";

export const metadata: Metadata = { title: "Webhook" };

export default async function WebhookPage({ params }: { params: Promise<{ id: string }> }) {
  const current = await requireWebhookViewer();
  const { id: raw } = await params;
  const id = /^\d{1,9}$/.test(raw) ? Number(raw) : null;
  // Another organisation's webhook is simply not found (ASVS 5.0 V8.2.2).
  const webhook = id ? await findWebhook(current, id) : null;
  if (!webhook) notFound();
  const log = (await deliveryLog(current, webhook.id)) ?? [];
  const fields = { webhook: String(webhook.id) };
  return (
    <div className="space-y-6">
      <div>
        <Link href="/admin/webhooks" className="text-sm font-medium text-brand-700 hover:underline">
          ← Webhooks
        </Link>
        <h1 className="mt-2 text-2xl font-semibold tracking-tight break-all text-slate-900">{webhook.url}</h1>
        <p className="mt-1 text-sm text-slate-600">
          {webhook.description ? `${webhook.description} · ` : ""}
          {webhook.enabled ? "Enabled" : "Disabled"}
        </p>
      </div>
      <Card title="Actions" id="webhook-actions">
        <div className="flex flex-wrap items-start gap-6">
          <WebhookButtonForm
            action={sendTestEventAction}
            fields={fields}
            label="Send test event"
            pendingLabel="Queueing…"
            variant="primary"
          />
          <WebhookButtonForm
            action={setWebhookEnabledAction}
            fields={{ ...fields, enabled: webhook.enabled ? "no" : "yes" }}
            label={webhook.enabled ? "Disable" : "Enable"}
            pendingLabel={webhook.enabled ? "Disabling…" : "Enabling…"}
          />
          <RotateSecretForm webhookId={webhook.id} />
        </div>
      </Card>
      <Card title="Delivery log" id="delivery-log" description="The last 50 deliveries, newest first.">
        {log.length === 0 ? (
          <p className="text-sm text-slate-600">Nothing sent yet.</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="min-w-full text-left text-sm">
              <thead className="text-xs text-slate-600 uppercase">
                <tr>
                  <th scope="col" className="py-2 pr-4 font-medium">
                    Event
                  </th>
                  <th scope="col" className="py-2 pr-4 font-medium">
                    State
                  </th>
                  <th scope="col" className="py-2 pr-4 font-medium">
                    Attempts
                  </th>
                  <th scope="col" className="py-2 pr-4 font-medium">
                    Last result
                  </th>
                  <th scope="col" className="py-2 pr-4 font-medium">
                    Times
                  </th>
                  <th scope="col" className="py-2 font-medium">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {log.map((delivery) => (
                  <tr key={delivery.id} className="align-top">
                    <td className="py-2 pr-4 font-mono text-xs text-slate-800">{delivery.eventType}</td>
                    <td className="py-2 pr-4">
                      <DeliveryState state={delivery.state} />
                    </td>
                    <td className="py-2 pr-4 text-slate-700">{delivery.attempts}</td>
                    <td className="py-2 pr-4 text-slate-700">
                      {delivery.lastError ??
                        (delivery.lastResponseStatus ? `HTTP ${delivery.lastResponseStatus}` : "—")}
                    </td>
                    <td className="py-2 pr-4 text-xs text-slate-700">
                      <div>
                        Queued <LocalTime date={delivery.createdAt} />
                      </div>
                      {delivery.lastAttemptAt ? (
                        <div>
                          Last tried <LocalTime date={delivery.lastAttemptAt} />
                        </div>
                      ) : null}
                      {delivery.state === "pending" ? (
                        <div>
                          Next try <LocalTime date={delivery.nextAttemptAt} />
                        </div>
                      ) : null}
                      {delivery.deliveredAt ? (
                        <div>
                          Delivered <LocalTime date={delivery.deliveredAt} />
                        </div>
                      ) : null}
                    </td>
                    <td className="py-2">
                      {delivery.state === "failed" ? (
                        <WebhookButtonForm
                          action={retryDeliveryAction}
                          fields={{ delivery: String(delivery.id) }}
                          label="Retry now"
                          pendingLabel="Queueing…"
                        />
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      <Card title="Delete webhook" id="delete-webhook">
        <DeleteWebhookForm webhookId={webhook.id} />
      </Card>
    </div>
  );
}
