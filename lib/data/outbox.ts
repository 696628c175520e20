import "server-only";
import { getDb } from "@/db";
import { listOutbox } from "@/lib/messaging/outbox";

/* The development outbox (/dev/outbox): messages kept instead of sent while no provider is configured. */

export type OutboxMessage = {
  id: number;
  channel: "email" | "sms";
  to: string;
  subject: string | null;
  body: string;
  createdAt: Date;
};

/** The newest messages first. Whether the page may show them at all is the caller's check (isOutboxPublic). */
export async function newestOutboxMessages(): Promise<OutboxMessage[]> {
  return (await listOutbox(getDb())).map(({ id, channel, to, subject, body, createdAt }) => ({
    id,
    channel,
    to,
    subject,
    body,
    createdAt,
  }));
}
