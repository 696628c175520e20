import "server-only";
import { getDb } from "@/db";
import type { CurrentSession } from "@/lib/auth/guards";
import { getEnv } from "@/lib/env";
import * as store from "@/lib/webhooks/webhooks";

/*
 * The webhook pages' data access: the signed-in administrator's organisation
 * scopes every call (the guard ran in the page or action before this).
 */

const actorOf = (current: CurrentSession): store.WebhookActor => ({
  userId: current.user.id,
  organisationId: current.user.organisationId,
  context: current.context,
});

export const listWebhooks = (current: CurrentSession) => store.listWebhooks(getDb(), current.user.organisationId);
export const findWebhook = (current: CurrentSession, id: number) =>
  store.findWebhook(getDb(), current.user.organisationId, id);
export const deliveryLog = (current: CurrentSession, id: number) =>
  store.deliveryLog(getDb(), current.user.organisationId, id);
export const createWebhook = (current: CurrentSession, input: { url: string; description: string | null }) =>
  store.createWebhook(getDb(), actorOf(current), input, { allowedHosts: getEnv().WEBHOOK_ALLOWED_HOSTS });
export const rotateWebhookSecret = (current: CurrentSession, id: number) =>
  store.rotateWebhookSecret(getDb(), actorOf(current), id);
export const setWebhookEnabled = (current: CurrentSession, id: number, enabled: boolean) =>
  store.setWebhookEnabled(getDb(), actorOf(current), id, enabled);
export const deleteWebhook = (current: CurrentSession, id: number) =>
  store.deleteWebhook(getDb(), actorOf(current), id);
export const sendTestEvent = (current: CurrentSession, id: number) =>
  store.sendTestEvent(getDb(), actorOf(current), id);
export const retryDelivery = (current: CurrentSession, deliveryId: number) =>
  store.retryDelivery(getDb(), actorOf(current), deliveryId);
