import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Logo } from "@/components/ui/logo";
import { allowAnyone } from "@/lib/auth/guards";
import { LocalTime } from "@/components/ui/local-time";
import { isOutboxPublic } from "@/lib/messaging";
import { newestOutboxMessages } from "@/lib/data/outbox";

export const metadata: Metadata = { title: "Outbox" };

/**
 * Open to anyone by design (CONTRACT.md), only while no provider sends for
 * real, and in production only with OUTBOX_PUBLIC=1: it shows sign-in codes.
 */
export default async function OutboxPage() {
  await allowAnyone();
  if (!isOutboxPublic()) notFound();
  const messages = await newestOutboxMessages();
  return (
    <main className="mx-auto max-w-3xl px-4 py-8 sm:px-6">
      <header>
        <Logo />
      </header>
      <h1 className="mt-6 text-2xl font-semibold tracking-tight text-slate-900">Outbox</h1>
      <p className="mt-1 text-sm text-slate-600">
        No email or SMS provider is configured, so messages are kept here instead of being sent. Newest first.
      </p>
      {messages.length === 0 ? (
        <p className="mt-8 rounded-xl border border-dashed border-slate-300 p-8 text-center text-sm text-slate-600">
          No messages yet.
        </p>
      ) : (
        <ol className="mt-6 space-y-4">
          {messages.map((message) => (
            <li key={message.id}>
              <article
                aria-labelledby={`message-${message.id}`}
                className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm"
              >
                <header className="flex flex-wrap items-baseline justify-between gap-2">
                  <h2 id={`message-${message.id}`} className="text-sm font-semibold text-slate-900">
                    {message.channel === "sms" ? "SMS" : message.subject}
                  </h2>
                  <p className="text-xs text-slate-600">
                    <span className="mr-2 rounded bg-slate-100 px-1.5 py-0.5 font-medium uppercase text-slate-700">
                      {message.channel}
                    </span>
                    to {message.to} · <LocalTime date={message.createdAt} />
                  </p>
                </header>
                <pre className="mt-3 whitespace-pre-wrap break-words font-sans text-sm text-slate-800">
                  {message.body}
                </pre>
              </article>
            </li>
          ))}
        </ol>
      )}
    </main>
  );
}
