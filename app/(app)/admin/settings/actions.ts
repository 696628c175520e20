"use server";

import { eq } from "drizzle-orm";
import { revalidatePath } from "next/cache";
import { after } from "next/server";
import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db";
import { organisations } from "@/db/schema";
import { formAction } from "@/lib/action";
import { recordActorEvent } from "@/lib/audit";
import { requireSettingsAdmin } from "@/lib/admin/settings-admin";
import { deleteSessionsOfOrganisation } from "@/lib/auth/sessions";
import { describeIdleMinutes, NIST_AAL2_SESSIONS } from "@/lib/auth/session-settings";
import { countPeopleWithFactor, emailPeopleNoLongerAsked } from "@/lib/two-factor/policy/disabled-notice";
import { recordRequirementChanges } from "@/lib/two-factor/policy/requirement-starts";
import { forgetTrustedBrowsersOfOrganisation } from "@/lib/two-factor/sign-in/trusted-browsers";
import { organisationSettingsSchema } from "@/lib/organisations/settings-schema";
import { appKeyRing } from "@/lib/keys/app-key-ring";
import { duoSecretKeyBinding } from "@/lib/keys/bindings";
import { encryptSecret } from "@/lib/keys/secrets";

export const updateSettingsAction = formAction({
  guard: () => requireSettingsAdmin("settings.update"),
  sensitive: true,
  schema: organisationSettingsSchema,
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
