import "server-only";
import { eq, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { organisations } from "@/db/schema";
import { refusalToActOnEveryone } from "@/lib/admin/delegated-change";
import { appUrl } from "@/lib/app-url";
import { recordActorEvent } from "@/lib/audit";
import type { CurrentSession } from "@/lib/auth/guards";
import { NIST_AAL2_SESSIONS } from "@/lib/auth/session-settings";
import { deleteSessionsOfOrganisation } from "@/lib/auth/sessions";
import { getEnv } from "@/lib/env";
import { appKeyRing } from "@/lib/keys/app-key-ring";
import { duoSecretKeyBinding } from "@/lib/keys/bindings";
import { decryptSecret, encryptSecret } from "@/lib/keys/secrets";
import type { OrganisationSettingsInput } from "@/lib/organisations/settings-schema";
import { SIGN_IN_PROTECTION_BOUNDS, type SignInProtection } from "@/lib/organisations/sign-in-protection";
import { checkDuoConnection } from "@/lib/two-factor/duo/client";
import { beginConnectionTest } from "@/lib/two-factor/duo/connection-test-limit";
import { DUO_CALLBACK_PATH } from "@/lib/two-factor/duo/prompt";
import { countPeopleWithFactor, emailPeopleNoLongerAsked } from "@/lib/two-factor/policy/disabled-notice";
import { recordRequirementChanges } from "@/lib/two-factor/policy/requirement-starts";
import { forgetTrustedBrowsersOfOrganisation } from "@/lib/two-factor/sign-in/trusted-browsers";

/*
 * The settings of the actor's own organisation (/admin/settings). The Duo
 * secret key never leaves this file: the page learns only whether one is saved.
 */

/** The "Sign-in policy" form's fields. */
export type OrganisationSettings = {
  twoFactorPolicy: "disabled" | "optional" | "required";
  allowTotp: boolean;
  allowCode: boolean;
  allowDuo: boolean;
  allowPasskey: boolean;
  twoFactorGraceDays: number;
  requiredSetupFlow: "on_screen" | "emailed_link";
  duoIntegrationKey: string | null;
  duoSecretKeySaved: boolean;
  duoApiHostname: string | null;
  duoBypassAtSignIn: "refuse" | "flag";
  sessionDurationDays: number;
  sessionIdleMinutes: number;
};

export type SettingsPage = {
  settings: OrganisationSettings;
  signInProtection: SignInProtection;
  auditRetentionDays: number;
  /** Settings act on everyone: only an administrator who may act on everyone may change them. */
  mayChange: boolean;
  /** How many people would stop being asked for a second factor if it were turned off; null while it is off. */
  peopleWithFactor: number | null;
};

const SIGN_IN_PROTECTION_FIELDS = Object.keys(SIGN_IN_PROTECTION_BOUNDS) as Array<keyof SignInProtection>;

const byId = (organisationId: number) => eq(organisations.id, organisationId);

export async function getSettingsPage(current: CurrentSession): Promise<SettingsPage> {
  const db = getDb();
  const organisationId = current.organisation.id;
  const row = (
    await db
      .select({
        twoFactorPolicy: organisations.twoFactorPolicy,
        allowTotp: organisations.allowTotp,
        allowCode: organisations.allowCode,
        allowDuo: organisations.allowDuo,
        allowPasskey: organisations.allowPasskey,
        twoFactorGraceDays: organisations.twoFactorGraceDays,
        requiredSetupFlow: organisations.requiredSetupFlow,
        duoIntegrationKey: organisations.duoIntegrationKey,
        duoSecretKeySaved: sql<boolean>`${organisations.duoSecretKeyEncrypted} is not null`.mapWith(Boolean),
        duoApiHostname: organisations.duoApiHostname,
        duoBypassAtSignIn: organisations.duoBypassAtSignIn,
        sessionDurationDays: organisations.sessionDurationDays,
        sessionIdleMinutes: organisations.sessionIdleMinutes,
        passwordFailureLimit: organisations.passwordFailureLimit,
        accountFailureLimit: organisations.accountFailureLimit,
        secondFactorFailureLimit: organisations.secondFactorFailureLimit,
        failureWindowMinutes: organisations.failureWindowMinutes,
        secondFactorLockoutLimit: organisations.secondFactorLockoutLimit,
        auditRetentionDays: organisations.auditRetentionDays,
      })
      .from(organisations)
      .where(byId(organisationId))
  )[0]!;
  const {
    passwordFailureLimit,
    accountFailureLimit,
    secondFactorFailureLimit,
    failureWindowMinutes,
    secondFactorLockoutLimit,
    auditRetentionDays,
    ...settings
  } = row;
  return {
    settings,
    signInProtection: {
      passwordFailureLimit,
      accountFailureLimit,
      secondFactorFailureLimit,
      failureWindowMinutes,
      secondFactorLockoutLimit,
    },
    auditRetentionDays,
    mayChange: !(await refusalToActOnEveryone(db, organisationId, current.user.id)),
    peopleWithFactor: settings.twoFactorPolicy === "disabled" ? null : await countPeopleWithFactor(db, organisationId),
  };
}

export type SettingsSaved =
  | { ok: false; reason: "duo_incomplete" }
  | { ok: true; sessionDurationDays: number; sessionIdleMinutes: number; peopleToTell: number };

/**
 * Saves the "Sign-in policy" form. A policy that starts or ends a requirement
 * does so now, for everyone it touches, in the same transaction
 * (lib/two-factor/policy/requirement-starts.ts). `peopleToTell`: who used
 * 2FA, when this turned it off (see tellPeopleTwoFactorIsOff).
 */
export async function saveOrganisationSettings(
  current: CurrentSession,
  input: OrganisationSettingsInput,
): Promise<SettingsSaved> {
  const { organisation } = current;
  const db = getDb();
  const before = (
    await db
      .select({
        twoFactorPolicy: organisations.twoFactorPolicy,
        duoSecretKeyEncrypted: organisations.duoSecretKeyEncrypted,
      })
      .from(organisations)
      .where(byId(organisation.id))
  )[0]!;
  const storedDuoSecret = input.duoSecretKey
    ? encryptSecret(input.duoSecretKey, duoSecretKeyBinding(organisation.id), appKeyRing())
    : before.duoSecretKeyEncrypted;
  if (input.allowDuo && !(input.duoIntegrationKey && input.duoApiHostname && storedDuoSecret))
    return { ok: false, reason: "duo_incomplete" };
  const changes = {
    twoFactorPolicy: input.twoFactorPolicy,
    allowTotp: input.allowTotp,
    allowCode: input.allowCode,
    allowDuo: input.allowDuo,
    allowPasskey: input.allowPasskey,
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
  const policyChanged = before.twoFactorPolicy !== input.twoFactorPolicy;
  await db.transaction(async (tx) => {
    await tx.update(organisations).set(changes).where(byId(organisation.id));
    if (policyChanged) await recordRequirementChanges(tx, organisation.id);
  });
  if (policyChanged)
    await recordActorEvent(db, current, "policy.updated", {
      details: { from: before.twoFactorPolicy, to: input.twoFactorPolicy },
    });
  const peopleToTell =
    before.twoFactorPolicy !== "disabled" && input.twoFactorPolicy === "disabled"
      ? await countPeopleWithFactor(db, organisation.id)
      : 0;
  const { duoSecretKeyEncrypted, ...visibleChanges } = changes;
  await recordActorEvent(db, current, "settings.updated", {
    details: { ...visibleChanges, duoSecretKeyChanged: Boolean(input.duoSecretKey) },
  });
  return {
    ok: true,
    sessionDurationDays: changes.sessionDurationDays,
    sessionIdleMinutes: changes.sessionIdleMinutes,
    peopleToTell,
  };
}

/** Emails everyone who used 2FA that it is off; run after the response, so one slow mail provider does not hold the save. */
export async function tellPeopleTwoFactorIsOff(current: CurrentSession): Promise<number> {
  return emailPeopleNoLongerAsked(getDb(), current.organisation, current.user.name);
}

/** A breach response: every session of the organisation ends, and remembered browsers must ask for the second factor again. */
export async function signOutEveryone(current: CurrentSession): Promise<number> {
  const db = getDb();
  const ended = await db.transaction(async (tx) => {
    await forgetTrustedBrowsersOfOrganisation(tx, current.organisation.id);
    return await deleteSessionsOfOrganisation(tx, current.organisation.id);
  });
  await recordActorEvent(db, current, "organisation_sessions.revoked", { details: { sessionsEnded: ended } });
  return ended;
}

/** Saves the failure limits; false when nothing changed. */
export async function saveSignInProtection(current: CurrentSession, input: SignInProtection): Promise<boolean> {
  const db = getDb();
  const before = (
    await db
      .select({
        passwordFailureLimit: organisations.passwordFailureLimit,
        accountFailureLimit: organisations.accountFailureLimit,
        secondFactorFailureLimit: organisations.secondFactorFailureLimit,
        failureWindowMinutes: organisations.failureWindowMinutes,
        secondFactorLockoutLimit: organisations.secondFactorLockoutLimit,
      })
      .from(organisations)
      .where(byId(current.organisation.id))
  )[0]!;
  const changed = Object.fromEntries(
    SIGN_IN_PROTECTION_FIELDS.filter((field) => before[field] !== input[field]).map((field) => [field, input[field]]),
  );
  if (Object.keys(changed).length === 0) return false;
  await db.update(organisations).set(input).where(byId(current.organisation.id));
  await recordActorEvent(db, current, "settings.updated", { details: { section: "sign_in_protection", ...changed } });
  return true;
}

/** Saves how long audit events are kept; null when nothing changed, else the period it replaced. */
export async function saveAuditRetention(
  current: CurrentSession,
  auditRetentionDays: number,
): Promise<{ previousDays: number } | null> {
  const db = getDb();
  const before = (
    await db
      .select({ auditRetentionDays: organisations.auditRetentionDays })
      .from(organisations)
      .where(byId(current.organisation.id))
  )[0]!;
  if (before.auditRetentionDays === auditRetentionDays) return null;
  await db.update(organisations).set({ auditRetentionDays }).where(byId(current.organisation.id));
  await recordActorEvent(db, current, "settings.updated", {
    details: { section: "audit_retention", auditRetentionDays, previousAuditRetentionDays: before.auditRetentionDays },
  });
  return { previousDays: before.auditRetentionDays };
}

export type DuoKeys = { duoIntegrationKey: string; duoSecretKey: string; duoApiHostname: string };

export type DuoConnectionTest =
  | { result: "missing_keys" }
  | { result: "rate_limited"; retryAt: Date }
  | { result: "connected" | "wrong_keys" | "unreachable" | "host_not_allowed" };

/**
 * Duo's health check with the keys typed in the form, or the saved ones where
 * a field is empty. Nothing is saved. Each test that would call out counts
 * against the organisation's limit (lib/two-factor/duo/connection-test-limit.ts).
 */
export async function testDuoConnection(current: CurrentSession, typed: DuoKeys): Promise<DuoConnectionTest> {
  const db = getDb();
  const organisationId = current.organisation.id;
  const saved = (
    await db
      .select({
        key: organisations.duoIntegrationKey,
        secret: organisations.duoSecretKeyEncrypted,
        host: organisations.duoApiHostname,
      })
      .from(organisations)
      .where(byId(organisationId))
  )[0]!;
  const clientId = typed.duoIntegrationKey || saved.key;
  const clientSecret =
    typed.duoSecretKey ||
    (saved.secret ? decryptSecret(saved.secret, duoSecretKeyBinding(organisationId), appKeyRing()) : null);
  const apiHost = typed.duoApiHostname || saved.host;
  if (!clientId || !clientSecret || !apiHost) return { result: "missing_keys" };
  const started = await beginConnectionTest(db, organisationId);
  if (!started.allowed) {
    await recordActorEvent(db, current, "duo_connection.tested", { details: { result: "rate_limited", apiHost } });
    return { result: "rate_limited", retryAt: started.retryAt };
  }
  const check = await checkDuoConnection(
    { clientId, clientSecret, apiHost },
    appUrl(DUO_CALLBACK_PATH),
    getEnv().DUO_ALLOWED_API_HOSTS,
  );
  const result = check.ok ? "connected" : check.reason;
  await recordActorEvent(db, current, "duo_connection.tested", {
    details: { result, apiHost, typedSecret: Boolean(typed.duoSecretKey) },
  });
  return { result };
}
