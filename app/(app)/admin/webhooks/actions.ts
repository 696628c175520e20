"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { formAction, type FormState } from "@/lib/action";
import { requireWebhookAdmin } from "@/lib/admin/webhook-admin";
import type { CurrentSession } from "@/lib/auth/guards";
import { fieldError, webhookMessages } from "@/lib/messages";
import {
  createWebhook,
  deleteWebhook,
  retryDelivery,
  rotateWebhookSecret,
  sendTestEvent,
  setWebhookEnabled,
} from "@/lib/data/webhooks";
import { databaseId } from "@/lib/database-id";

const id = databaseId();
const webhookId = z.object({ webhook: id });

export type SecretShown = { secret: string; webhookId: number };

function done(message: string): FormState {
  revalidatePath("/admin/webhooks", "layout");
  return { status: "success", message };
}

const notFound: FormState = { status: "error", message: webhookMessages.notFound };

/** "Add webhook": the URL is checked (https, public address) before anything is saved; the secret is shown once. */
export const createWebhookAction = formAction<
  z.ZodObject<{ url: z.ZodString; description: z.ZodString }>,
  CurrentSession,
  SecretShown
>({
  guard: () => requireWebhookAdmin("settings.webhooks"),
  sensitive: true,
  schema: z.object({
    url: z.string().trim().min(1, { error: "Enter the URL." }).max(2000, { error: "Use at most 2000 characters." }),
    description: z.string().trim().max(200, { error: "Use at most 200 characters." }),
  }),
  echo: ["url", "description"],
  async handler(input, current) {
    const created = await createWebhook(current, { url: input.url, description: input.description || null });
    if (!created.ok)
      return fieldError<SecretShown>("url", webhookMessages.urlProblems[created.problem], {
        url: input.url,
        description: input.description,
      });
    revalidatePath("/admin/webhooks", "layout");
    return {
      status: "success",
      message: webhookMessages.created,
      data: { secret: created.secret, webhookId: created.id },
    };
  },
});

export const rotateWebhookSecretAction = formAction<typeof webhookId, CurrentSession, SecretShown>({
  guard: () => requireWebhookAdmin("settings.webhooks"),
  sensitive: true,
  schema: webhookId,
  async handler({ webhook }, current) {
    const secret = await rotateWebhookSecret(current, webhook);
    if (!secret) return { status: "error", message: webhookMessages.notFound };
    revalidatePath("/admin/webhooks", "layout");
    return { status: "success", message: webhookMessages.rotated, data: { secret, webhookId: webhook } };
  },
});

export const setWebhookEnabledAction = formAction({
  guard: () => requireWebhookAdmin("settings.webhooks"),
  schema: z.object({ webhook: id, enabled: z.enum(["yes", "no"]) }),
  async handler({ webhook, enabled }, current) {
    const changed = await setWebhookEnabled(current, webhook, enabled === "yes");
    if (!changed) return notFound;
    return done(enabled === "yes" ? webhookMessages.enabled(changed.queued) : webhookMessages.disabled);
  },
});

export const deleteWebhookAction = formAction({
  guard: () => requireWebhookAdmin("settings.webhooks"),
  sensitive: true,
  schema: z.object({ webhook: id, confirm: z.literal("yes", { error: webhookMessages.confirmDelete }) }),
  async handler({ webhook }, current) {
    if (!(await deleteWebhook(current, webhook))) return notFound;
    revalidatePath("/admin/webhooks", "layout");
    redirect("/admin/webhooks?deleted=1");
  },
});

export const sendTestEventAction = formAction({
  guard: () => requireWebhookAdmin("settings.webhooks"),
  schema: webhookId,
  async handler({ webhook }, current) {
    const sent = await sendTestEvent(current, webhook);
    if (sent === "not-found") return notFound;
    if (sent === "disabled") return { status: "error", message: webhookMessages.testDisabled };
    return done(webhookMessages.testQueued);
  },
});

export const retryDeliveryAction = formAction({
  guard: () => requireWebhookAdmin("settings.webhooks"),
  schema: z.object({ delivery: id }),
  async handler({ delivery }, current) {
    if (!(await retryDelivery(current, delivery))) return { status: "error", message: webhookMessages.notRetriable };
    return done(webhookMessages.retried);
  },
});
