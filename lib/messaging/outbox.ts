import { desc } from "drizzle-orm";
import type { Db } from "@/db";
import { outbox } from "@/db/schema";
import type { EmailTransport, SmsTransport } from "@/lib/messaging/types";

/** Keeps messages in the database instead of sending them: the default until a provider is configured. */
export function outboxTransport(db: () => Db): EmailTransport & SmsTransport {
  return {
    name: "outbox",
    async sendEmail(message) {
      await db()
        .insert(outbox)
        .values({ channel: "email", to: message.to, subject: message.subject, body: message.text, html: message.html });
    },
    async sendSms(message) {
      await db().insert(outbox).values({ channel: "sms", to: message.to, body: message.body });
    },
  };
}

export async function listOutbox(db: Db, limit = 100) {
  return await db.select().from(outbox).orderBy(desc(outbox.id)).limit(limit);
}
