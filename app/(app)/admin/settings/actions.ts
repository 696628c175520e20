"use server";

import { eq } from "drizzle-orm";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db";
import { organisations, REQUIRED_SETUP_FLOWS, TWO_FACTOR_POLICIES } from "@/db/schema";
import { encryptSecret } from "@/lib/crypto";
import { getEnv } from "@/lib/env";
import { formAction } from "@/lib/action";
import { recordActorEvent } from "@/lib/audit";
import { requireSettingsAdmin } from "@/lib/admin/settings-admin";
import { MAX_SESSION_DURATION_DAYS } from "@/lib/auth/cookie-definitions";
import { deleteSessionsOfOrganisation } from "@/lib/auth/sessions";
import { forgetTrustedBrowsersOfOrganisation } from "@/lib/two-factor/trusted-browsers";
import { duoKeyFields } from "@/lib/duo/settings-schema";

const checkbox = z.literal("on").optional().transform(Boolean);

const settingsSchema = z
  .object({
    twoFactorPolicy: z.enum(TWO_FACTOR_POLICIES, { error: "Choose Disabled, Optional or Required." }),
    allowTotp: checkbox,
    allowCode: checkbox,
    allowDuo: checkbox,
    twoFactorGraceDays: z.coerce
      .number({ error: "Enter a number of days." })
      .int({ error: "Enter a whole number of days." })
      .min(0, { error: "Use 0 for no grace period." })
      .max(90, { error: "The grace period is at most 90 days." }),
    requiredSetupFlow: z.enum(REQUIRED_SETUP_FLOWS, { error: "Choose how people set up two-factor authentication at sign-in." }),
    ...duoKeyFields,
    sessionDurationDays: z.coerce
      .number({ error: "Enter a number of days." })
      .int({ error: "Enter a whole number of days." })
      .min(1, { error: "Sessions last at least 1 day." })
      .max(MAX_SESSION_DURATION_DAYS, { error: `Sessions last at most ${MAX_SESSION_DURATION_DAYS} days.` }),
  })
  .refine((input) => input.twoFactorPolicy === "disabled" || input.allowTotp || input.allowCode || input.allowDuo, {
    error: "Allow at least one method, or set two-factor authentication to Disabled.",
    path: ["allowTotp"],
  });

export const updateSettingsAction = formAction({
  guard: () => requireSettingsAdmin("settings.update"),
  schema: settingsSchema,
  echo: ["twoFactorGraceDays", "duoIntegrationKey", "duoApiHostname", "sessionDurationDays"],
  async handler(input, current) {
    const { organisation } = current;
    const db = getDb();
    const before = db.select().from(organisations).where(eq(organisations.id, organisation.id)).get()!;
    const storedDuoSecret = input.duoSecretKey
      ? encryptSecret(input.duoSecretKey, getEnv().APP_ENCRYPTION_KEY)
      : before.duoSecretKeyEncrypted;
    if (input.allowDuo && !(input.duoIntegrationKey && input.duoApiHostname && storedDuoSecret)) {
      return {
        status: "error",
        message: "Duo needs its integration key, secret key and API hostname.",
        fieldErrors: { duoIntegrationKey: "Enter the keys of your Duo application, or untick Duo." },
      };
    }
    const changes = {
      twoFactorPolicy: input.twoFactorPolicy,
      allowTotp: input.allowTotp,
      allowCode: input.allowCode,
      allowDuo: input.allowDuo,
      twoFactorGraceDays: input.twoFactorGraceDays,
      requiredSetupFlow: input.requiredSetupFlow,
      duoIntegrationKey: input.duoIntegrationKey || null,
      duoApiHostname: input.duoApiHostname || null,
      duoSecretKeyEncrypted: storedDuoSecret,
      sessionDurationDays: input.sessionDurationDays,
    };
    db.update(organisations).set(changes).where(eq(organisations.id, organisation.id)).run();

    if (before.twoFactorPolicy !== input.twoFactorPolicy) {
      recordActorEvent(db, current, "policy.updated", { details: { from: before.twoFactorPolicy, to: input.twoFactorPolicy } });
    }
    const { duoSecretKeyEncrypted, ...visibleChanges } = changes;
    recordActorEvent(db, current, "settings.updated", { details: { ...visibleChanges, duoSecretKeyChanged: Boolean(input.duoSecretKey) } });
    revalidatePath("/admin/settings");
    return { status: "success", message: `Settings saved. New sessions will last ${input.sessionDurationDays} days.` };
  },
});

export const signOutAllUsersAction = formAction({
  guard: () => requireSettingsAdmin("sessions.sign_out_all"),
  schema: z.object({
    confirm: z.literal("yes", { error: "Tick the box to confirm that everyone, you included, will be signed out." }),
  }),
  async handler(_input, current) {
    const { organisation } = current;
    const db = getDb();
    // A breach response: remembered browsers must ask for the second factor again too.
    const ended = db.transaction((tx) => {
      forgetTrustedBrowsersOfOrganisation(tx, organisation.id);
      return deleteSessionsOfOrganisation(tx, organisation.id);
    });
    recordActorEvent(db, current, "sessions.revoked_all", { details: { sessionsEnded: ended } });
    // The admin's own session is gone too.
    redirect("/login");
  },
});
