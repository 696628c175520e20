"use server";

import { eq } from "drizzle-orm";
import { revalidatePath } from "next/cache";
import { after } from "next/server";
import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db";
import { organisations, REQUIRED_SETUP_FLOWS, TWO_FACTOR_POLICIES } from "@/db/schema";
import { formAction } from "@/lib/action";
import { recordActorEvent } from "@/lib/audit";
import { requireSettingsAdmin } from "@/lib/admin/settings-admin";
import { MAX_SESSION_DURATION_DAYS } from "@/lib/auth/cookie-definitions";
import { deleteSessionsOfOrganisation } from "@/lib/auth/sessions";
import { describeIdleMinutes, isSessionIdleChoice, NIST_AAL2_SESSIONS } from "@/lib/auth/session-settings";
import { countPeopleWithFactor, emailPeopleNoLongerAsked } from "@/lib/two-factor/policy/disabled-notice";
import { recordRequirementChanges } from "@/lib/two-factor/policy/requirement-starts";
import { forgetTrustedBrowsersOfOrganisation } from "@/lib/two-factor/sign-in/trusted-browsers";
import { duoKeyFields, duoSignInFields } from "@/lib/two-factor/duo/settings-schema";
import { appKeyRing } from "@/lib/keys/app-key-ring";
import { duoSecretKeyBinding } from "@/lib/keys/bindings";
import { encryptSecret } from "@/lib/keys/secrets";

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
    ...duoSignInFields,
    sessionDurationDays: z.coerce
      .number({ error: "Enter a number of days." })
      .int({ error: "Enter a whole number of days." })
      .min(1, { error: "Sessions last at least 1 day." })
      .max(MAX_SESSION_DURATION_DAYS, { error: `Sessions last at most ${MAX_SESSION_DURATION_DAYS} days.` }),
    sessionIdleMinutes: z.coerce
      .number({ error: "Choose how long a session may be idle." })
      .refine(isSessionIdleChoice, { error: "Choose one of the listed inactivity times." }),
    /** "Apply NIST AAL2 preset": the same save, with the AAL2 session limits. */
    preset: z.literal("nist_aal2").optional(),
  })
  .refine((input) => input.twoFactorPolicy === "disabled" || input.allowTotp || input.allowCode || input.allowDuo, {
    error: "Allow at least one method, or set two-factor authentication to Disabled.",
    path: ["allowTotp"],
  });

export const updateSettingsAction = formAction({
  guard: () => requireSettingsAdmin("settings.update"),
  sensitive: true,
  schema: settingsSchema,
  echo: ["twoFactorGraceDays", "duoIntegrationKey", "duoApiHostname", "sessionDurationDays", "sessionIdleMinutes"],
  async handler(input, current) {
    const { organisation } = current;
    const db = getDb();
    const before = db.select().from(organisations).where(eq(organisations.id, organisation.id)).get()!;
    const storedDuoSecret = input.duoSecretKey
      ? encryptSecret(input.duoSecretKey, duoSecretKeyBinding(organisation.id), appKeyRing())
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
      duoBypassAtSignIn: input.duoBypassAtSignIn,
      ...(input.preset === "nist_aal2"
        ? NIST_AAL2_SESSIONS
        : { sessionDurationDays: input.sessionDurationDays, sessionIdleMinutes: input.sessionIdleMinutes }),
    };
    // A policy that starts or ends a requirement does so now, for everyone it
    // touches, in the same transaction (lib/two-factor/policy/requirement-starts.ts).
    db.transaction((tx) => {
      tx.update(organisations).set(changes).where(eq(organisations.id, organisation.id)).run();
      if (before.twoFactorPolicy !== input.twoFactorPolicy) recordRequirementChanges(tx, organisation.id);
    });

    if (before.twoFactorPolicy !== input.twoFactorPolicy) {
      recordActorEvent(db, current, "policy.updated", { details: { from: before.twoFactorPolicy, to: input.twoFactorPolicy } });
    }
    // Everyone who used 2FA is told it is off, after the response: one slow mail provider must not hold the save.
    const toTell = before.twoFactorPolicy !== "disabled" && input.twoFactorPolicy === "disabled" ? countPeopleWithFactor(db, organisation.id) : 0;
    if (toTell > 0) after(() => emailPeopleNoLongerAsked(getDb(), organisation, current.user.name));
    const { duoSecretKeyEncrypted, ...visibleChanges } = changes;
    recordActorEvent(db, current, "settings.updated", { details: { ...visibleChanges, duoSecretKeyChanged: Boolean(input.duoSecretKey) } });
    revalidatePath("/admin/settings");
    const told = toTell > 0 ? ` ${toTell === 1 ? "1 person is" : `${toTell} people are`} being emailed that two-factor authentication is off.` : "";
    const days = changes.sessionDurationDays;
    return {
      status: "success",
      message: `Settings saved. New sessions will last ${days} day${days === 1 ? "" : "s"}; sessions idle for ${describeIdleMinutes(changes.sessionIdleMinutes)} are signed out.${told}`,
    };
  },
});

export const signOutAllUsersAction = formAction({
  guard: () => requireSettingsAdmin("sessions.sign_out_all"),
  sensitive: true,
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
