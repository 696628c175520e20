"use server";

import { eq } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db";
import { organisations } from "@/db/schema";
import { formAction } from "@/lib/action";
import { appUrl } from "@/lib/app-url";
import { recordActorEvent } from "@/lib/audit";
import { requirePermission } from "@/lib/auth/guards";
import { waitText } from "@/lib/auth/attempt-limiter";
import { checkDuoConnection } from "@/lib/two-factor/duo/client";
import { beginConnectionTest } from "@/lib/two-factor/duo/connection-test-limit";
import { DUO_CALLBACK_PATH } from "@/lib/two-factor/duo/prompt";
import { duoKeyFields } from "@/lib/two-factor/duo/settings-schema";
import { appKeyRing } from "@/lib/keys/app-key-ring";
import { duoSecretKeyBinding } from "@/lib/keys/bindings";
import { getEnv } from "@/lib/env";
import { decryptSecret } from "@/lib/keys/secrets";

const RESULT_MESSAGES = {
  connected: "Connected: Duo accepted these keys.",
  wrong_keys: "Duo refused these keys. Check the integration key and the secret key.",
  unreachable: "Cannot reach Duo. Check the API hostname, and that this server can reach it.",
  host_not_allowed: "This API hostname is not Duo's. Enter the one from your Duo application, like api-1a2b3c4d.duosecurity.com.",
} as const;

/**
 * "Test connection": Duo's health check with the keys typed in the form, or
 * the saved ones where a field is empty. Nothing is saved. Each press that
 * would call out counts against the organisation's limit
 * (lib/two-factor/duo/connection-test-limit.ts).
 */
export const testDuoConnectionAction = formAction({
  guard: () => requirePermission("settings:manage"),
  schema: z.object(duoKeyFields),
  async handler(input, current) {
    const db = getDb();
    const saved = db
      .select({ key: organisations.duoIntegrationKey, secret: organisations.duoSecretKeyEncrypted, host: organisations.duoApiHostname })
      .from(organisations)
      .where(eq(organisations.id, current.organisation.id))
      .get()!;
    const clientId = input.duoIntegrationKey || saved.key;
    const clientSecret = input.duoSecretKey || (saved.secret ? decryptSecret(saved.secret, duoSecretKeyBinding(current.organisation.id), appKeyRing()) : null);
    const apiHost = input.duoApiHostname || saved.host;
    if (!clientId || !clientSecret || !apiHost) {
      return { status: "error", message: "Enter the integration key, secret key and API hostname first." };
    }
    const started = beginConnectionTest(db, current.organisation.id);
    if (!started.allowed) {
      recordActorEvent(db, current, "duo.connection_tested", { details: { result: "rate_limited", apiHost } });
      return { status: "error", message: `Too many connection tests. Try again in ${waitText(started.retryAt)}.` };
    }
    const check = await checkDuoConnection({ clientId, clientSecret, apiHost }, appUrl(DUO_CALLBACK_PATH), getEnv().DUO_ALLOWED_API_HOSTS);
    const result = check.ok ? "connected" : check.reason;
    recordActorEvent(db, current, "duo.connection_tested", { details: { result, apiHost, typedSecret: Boolean(input.duoSecretKey) } });
    return { status: check.ok ? "success" : "error", message: RESULT_MESSAGES[result] };
  },
});
