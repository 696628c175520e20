"use server";

import { revalidatePath } from "next/cache";
import { after } from "next/server";
import { redirect } from "next/navigation";
import { z } from "zod";
import { formAction } from "@/lib/action";
import type { CurrentSession } from "@/lib/auth/guards";
import { requireSettingsAdmin } from "@/lib/admin/settings-admin";
import { describeIdleMinutes } from "@/lib/auth/session-settings";
import { previewSettingsChange, type PreviewView } from "@/lib/data/enforcement-preview";
import { saveOrganisationSettings, signOutEveryone, tellPeopleTwoFactorIsOff } from "@/lib/data/organisation-settings";
import { viewerTimeZone } from "@/lib/flows/viewer-time-zone";
import { messages, plural } from "@/lib/messages";
import { enforcementPreviewSchema, organisationSettingsSchema } from "@/lib/organisations/settings-schema";

export const updateSettingsAction = formAction({
  guard: () => requireSettingsAdmin("settings.update"),
  sensitive: true,
  schema: organisationSettingsSchema,
  // Everything but the Duo secret, so a refused save shows what was submitted (checkboxes: "on" or "").
  echo: [
    "twoFactorPolicy",
    "allowTotp",
    "allowCode",
    "allowDuo",
    "allowPasskey",
    "twoFactorGraceDays",
    "requiredSetupFlow",
    "duoIntegrationKey",
    "duoApiHostname",
    "duoBypassAtSignIn",
    "sessionDurationDays",
    "sessionIdleMinutes",
  ],
  async handler(input, current) {
    const saved = await saveOrganisationSettings(current, input);
    if (!saved.ok) {
      return {
        status: "error",
        message: "Duo needs its integration key, secret key and API hostname.",
        fieldErrors: { duoIntegrationKey: "Enter the keys of your Duo application, or untick Duo." },
      };
    }
    // Everyone who used 2FA is told it is off, after the response: one slow mail provider must not hold the save.
    if (saved.peopleToTell > 0) after(() => tellPeopleTwoFactorIsOff(current));
    revalidatePath("/admin/settings");
    const told =
      saved.peopleToTell > 0
        ? ` ${saved.peopleToTell === 1 ? "1 person is" : `${saved.peopleToTell} people are`} being emailed that two-factor authentication is off.`
        : "";
    return {
      status: "success",
      message: `Settings saved. New sessions will last ${plural(saved.sessionDurationDays, "day")}; sessions idle for ${describeIdleMinutes(saved.sessionIdleMinutes)} are signed out.${told}`,
    };
  },
});

/**
 * What saving the form would do to who must use 2FA (the confirmation's
 * preview). Reads only; the same guard as the save, since it counts and
 * names the people the save acts on.
 */
export const previewSettingsAction = formAction<typeof enforcementPreviewSchema, CurrentSession, PreviewView>({
  guard: () => requireSettingsAdmin("settings.preview"),
  schema: enforcementPreviewSchema,
  async handler(input, current) {
    const preview = await previewSettingsChange(current, input, await viewerTimeZone());
    if (!preview) return { status: "error", message: messages.notUnderstood };
    return { status: "success", data: preview };
  },
});

export const signOutAllUsersAction = formAction({
  guard: () => requireSettingsAdmin("sessions.sign_out_all"),
  sensitive: true,
  schema: z.object({
    confirm: z.literal("yes", { error: "Tick the box to confirm that everyone, you included, will be signed out." }),
  }),
  async handler(_input, current) {
    await signOutEveryone(current);
    // The admin's own session is gone too.
    redirect("/login");
  },
});
