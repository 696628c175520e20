import "server-only";
import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { organisations } from "@/db/schema";
import { appUrl } from "@/lib/app-url";
import {
  classifyDuoError,
  createDuoClient,
  withinDuoTimeout,
  type DuoFailure,
  type DuoSettings,
} from "@/lib/two-factor/duo/client";
import { judgeDuoAnswer } from "@/lib/two-factor/duo/auth-context";
import { isAllowedDuoApiHost } from "@/lib/two-factor/duo/api-host";
import { claimDuoState, storeDuoState, type DuoPurpose } from "@/lib/two-factor/duo/states";
import { duoAvailabilityColumns, duoAvailableIn } from "@/lib/two-factor/policy/methods";
import { appKeyRing } from "@/lib/keys/app-key-ring";
import { duoSecretKeyBinding } from "@/lib/keys/bindings";
import { getEnv } from "@/lib/env";
import { describeErrorForLog } from "@/lib/messaging/redact";
import { decryptSecret } from "@/lib/keys/secrets";

/*
 * One Duo Universal Prompt round trip: begin (health check, remember the
 * state, Duo's URL) and finish (the state, then the code exchanged for the
 * user's result). Callers guard the session and act on the outcome.
 */

/** Where Duo sends the browser back; built from APP_URL, never from the request. */
export const DUO_CALLBACK_PATH = "/login/duo/callback";

/** The organisation's Duo keys, when Duo is allowed and fully configured. */
export async function duoSettingsOf(db: Db, organisationId: number): Promise<DuoSettings | null> {
  const row = (
    await db.select(duoAvailabilityColumns).from(organisations).where(eq(organisations.id, organisationId))
  )[0];
  if (!row || !duoAvailableIn(row)) return null;
  return {
    clientId: row.duoIntegrationKey!,
    clientSecret: decryptSecret(row.duoSecretKeyEncrypted!, duoSecretKeyBinding(organisationId), appKeyRing()),
    apiHost: row.duoApiHostname!,
  };
}

type PromptUser = { id: number; email: string; organisationId: number };

export type DuoStart =
  { ok: true; url: string } | { ok: false; reason: "not_configured" | "unreachable" | "host_not_allowed" };

/**
 * A hostname saved before DUO_ALLOWED_API_HOSTS existed (or before the
 * operator removed it from the list) is refused, never called: the operator
 * reads why in the log, the user a plain message.
 */
function hostRefused(settings: DuoSettings, organisationId: number): boolean {
  const allowedHosts = getEnv().DUO_ALLOWED_API_HOSTS;
  if (isAllowedDuoApiHost(settings.apiHost, allowedHosts)) return false;
  console.error(
    `Duo not called for organisation ${organisationId}: its API hostname ${JSON.stringify(settings.apiHost)} is not Duo's and not in DUO_ALLOWED_API_HOSTS. Fix it in Admin → Settings, or add it to DUO_ALLOWED_API_HOSTS.`,
  );
  return true;
}

export async function beginDuoPrompt(
  db: Db,
  input: { user: PromptUser; sessionTokenHash: string; purpose: DuoPurpose; rememberBrowser: boolean },
): Promise<DuoStart> {
  const settings = await duoSettingsOf(db, input.user.organisationId);
  if (!settings) return { ok: false, reason: "not_configured" };
  if (hostRefused(settings, input.user.organisationId)) return { ok: false, reason: "host_not_allowed" };
  try {
    const client = createDuoClient(settings, appUrl(DUO_CALLBACK_PATH), getEnv().DUO_ALLOWED_API_HOSTS);
    // Duo's own advice: check health first, and never send a user to a Duo that is down.
    await withinDuoTimeout(client.healthCheck());
    const state = client.generateState();
    await storeDuoState(db, {
      userId: input.user.id,
      sessionTokenHash: input.sessionTokenHash,
      state,
      purpose: input.purpose,
      rememberBrowser: input.rememberBrowser,
    });
    return { ok: true, url: await client.createAuthUrl(input.user.email, state) };
  } catch (error) {
    console.error("Duo prompt could not start:", describeErrorForLog(error));
    return { ok: false, reason: "unreachable" };
  }
}

export type DuoRefusal =
  | "bad_state"
  | "missing_code"
  | "denied"
  | "no_factor"
  | "not_configured"
  | "host_not_allowed"
  | Exclude<DuoFailure, "wrong_keys">;

/** What Duo said it checked (auth_context): the factor, and whether one was used at all (lib/duo/auth-context.ts). */
export type DuoProof = { usedFactor: boolean; factor: string | null; reason: string };

export type DuoFinish =
  /** Duo said "allow"; callers decide what an allow without a factor (`proof.usedFactor` false) is worth. */
  | { ok: true; purpose: DuoPurpose; rememberBrowser: boolean; proof: DuoProof }
  /** `purpose` is null when the state was not this session's: nothing is known about what was attempted. */
  | { ok: false; reason: DuoRefusal; purpose: DuoPurpose | null };

export async function finishDuoPrompt(
  db: Db,
  input: { user: PromptUser; sessionTokenHash: string; state: string | null; code: string | null },
): Promise<DuoFinish> {
  const claimed = input.state
    ? await claimDuoState(db, { state: input.state, sessionTokenHash: input.sessionTokenHash })
    : null;
  if (!claimed || claimed.userId !== input.user.id) return { ok: false, reason: "bad_state", purpose: null };
  const { purpose } = claimed;
  if (!input.code) return { ok: false, reason: "missing_code", purpose };
  const settings = await duoSettingsOf(db, input.user.organisationId);
  if (!settings) return { ok: false, reason: "not_configured", purpose };
  if (hostRefused(settings, input.user.organisationId)) return { ok: false, reason: "host_not_allowed", purpose };
  try {
    const client = createDuoClient(settings, appUrl(DUO_CALLBACK_PATH), getEnv().DUO_ALLOWED_API_HOSTS);
    // The client checks the id_token's signature, issuer, audience, expiry and that preferred_username is this user.
    const result = await withinDuoTimeout(client.exchangeAuthorizationCodeFor2FAResult(input.code, input.user.email));
    if (result.preferred_username !== input.user.email) return { ok: false, reason: "wrong_user", purpose };
    const judgement = judgeDuoAnswer(result);
    if (judgement.kind === "denied") return { ok: false, reason: "denied", purpose };
    const proof = { usedFactor: judgement.kind === "factor", factor: judgement.factor, reason: judgement.reason };
    return { ok: true, purpose, rememberBrowser: claimed.rememberBrowser, proof };
  } catch (error) {
    const failure = classifyDuoError(error);
    if (failure === "unreachable") console.error("Duo could not be reached:", describeErrorForLog(error));
    // Keys Duo refuses at this point mean nothing came back that proves the user: a refusal.
    return { ok: false, reason: failure === "wrong_keys" ? "rejected" : failure, purpose };
  }
}
