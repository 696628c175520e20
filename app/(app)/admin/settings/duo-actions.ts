"use server";

import { z } from "zod";
import { formAction } from "@/lib/action";
import { requireSettingsAdmin } from "@/lib/admin/settings-admin";
import { testDuoConnection } from "@/lib/data/organisation-settings";
import { inMinutes } from "@/lib/messages";
import { duoKeyFields } from "@/lib/two-factor/duo/settings-schema";

const RESULT_MESSAGES = {
  connected: "Connected: Duo accepted these keys.",
  wrong_keys: "Duo refused these keys. Check the integration key and the secret key.",
  unreachable: "Cannot reach Duo. Check the API hostname, and that this server can reach it.",
  host_not_allowed:
    "This API hostname is not Duo's. Enter the one from your Duo application, like api-1a2b3c4d.duosecurity.com.",
} as const;

/**
 * "Test connection": Duo's health check with the keys typed in the form, or
 * the saved ones where a field is empty. Nothing is saved; each press that
 * would call out counts against the organisation's limit. Guarded as saving
 * the settings is: it signs requests with the organisation's saved secret and
 * spends the organisation's tests, so it is offered only with the Save button.
 */
export const testDuoConnectionAction = formAction({
  guard: () => requireSettingsAdmin("settings.duo_test"),
  schema: z.object(duoKeyFields),
  async handler(input, current) {
    const test = await testDuoConnection(current, input);
    if (test.result === "missing_keys")
      return { status: "error", message: "Enter the integration key, secret key and API hostname first." };
    if (test.result === "rate_limited")
      return { status: "error", message: `Too many connection tests. Try again in ${inMinutes(test.retryAt)}.` };
    return { status: test.result === "connected" ? "success" : "error", message: RESULT_MESSAGES[test.result] };
  },
});
