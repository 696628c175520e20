import fs from "node:fs";
import https from "node:https";
import { Client, DuoException, constants } from "@duosecurity/duo_universal";
import { isAllowedDuoApiHost } from "@/lib/two-factor/duo/api-host";

/*
 * Duo's official client, with two things it lacks: a time limit on its calls
 * (it sets none, so a Duo that never answers would hold a sign-in forever),
 * and trust for the certificates in NODE_EXTRA_CA_CERTS. The client pins
 * Duo's CA roots on its own HTTPS agent, which replaces Node's trust store,
 * so NODE_EXTRA_CA_CERTS would otherwise be ignored: an organisation whose
 * outbound traffic goes through a TLS-inspecting proxy needs it, and so do
 * the tests' local stand-in.
 */

export type DuoSettings = { clientId: string; clientSecret: string; apiHost: string };

/** How long one call to Duo may take before Duo counts as unreachable. */
export const DUO_TIMEOUT_MS = 8_000;

/** Why a call to Duo failed, in the terms Twofold acts on. */
export type DuoFailure =
  /** Duo did not answer, answered with a server error, or TLS failed: try again later. */
  | "unreachable"
  /** Duo refused the integration's keys. */
  | "wrong_keys"
  /** Duo's answer was for another user. */
  | "wrong_user"
  /** Duo refused the code, or its answer did not verify. */
  | "rejected";

type ClientInternals = { axios?: { defaults: { timeout?: number; httpsAgent?: unknown } } };

let extraCertificates: string[] | undefined;
function extraCaCertificates(): string[] {
  if (extraCertificates === undefined) {
    const file = process.env.NODE_EXTRA_CA_CERTS;
    extraCertificates = file && fs.existsSync(file) ? [fs.readFileSync(file, "utf8")] : [];
  }
  return extraCertificates;
}

/** The API hostname is not one of Duo's, nor on the operator's DUO_ALLOWED_API_HOSTS: nothing was sent to it. */
export class DuoApiHostRefused extends Error {
  override name = "DuoApiHostRefused";
}

/**
 * `allowedHosts` is DUO_ALLOWED_API_HOSTS. The host rule is checked here,
 * where the host becomes a URL, so no caller can reach a host the rule
 * refuses, whether typed now or saved before the rule existed.
 */
export function createDuoClient(settings: DuoSettings, redirectUrl: string, allowedHosts: readonly string[]): Client {
  if (!isAllowedDuoApiHost(settings.apiHost, allowedHosts))
    throw new DuoApiHostRefused(`Duo API hostname not allowed: ${JSON.stringify(settings.apiHost)}`);
  const client = new Client({ ...settings, redirectUrl });
  const internals = (client as unknown as ClientInternals).axios;
  if (internals) {
    internals.defaults.timeout = DUO_TIMEOUT_MS;
    internals.defaults.httpsAgent = new https.Agent({ ca: [constants.DUO_PINNED_CERT, ...extraCaCertificates()] });
  }
  return client;
}

/** Bounds a call to Duo even if the client's internals ever stop taking the timeout above. */
export async function withinDuoTimeout<T>(call: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new DuoException(constants.FAILED_CONNECTION)), DUO_TIMEOUT_MS + 1_000);
  });
  try {
    return await Promise.race([call, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Sorts a thrown error from the client into what Twofold does about it. */
export function classifyDuoError(error: unknown): DuoFailure {
  if (error instanceof DuoException && error.message === constants.USERNAME_ERROR) return "wrong_user";
  const inner = error instanceof DuoException ? error.inner : error;
  // The client's HTTP errors (axios, a dependency of the client, not of Twofold).
  if (inner && typeof inner === "object" && "isAxiosError" in inner) {
    const status = (inner as { response?: { status?: number } }).response?.status;
    if (status === undefined || status >= 500) return "unreachable";
    return status === 401 ? "wrong_keys" : "rejected";
  }
  if (error instanceof DuoException && error.message === constants.FAILED_CONNECTION) return "unreachable";
  return "rejected";
}

export type ConnectionCheck = { ok: true } | { ok: false; reason: "unreachable" | "wrong_keys" | "host_not_allowed" };

/**
 * Duo's health check, which proves both that Duo answers and that it accepts
 * the keys (the request is signed with the secret key).
 */
export async function checkDuoConnection(
  settings: DuoSettings,
  redirectUrl: string,
  allowedHosts: readonly string[],
): Promise<ConnectionCheck> {
  let client: Client;
  try {
    client = createDuoClient(settings, redirectUrl, allowedHosts);
  } catch (error) {
    return { ok: false, reason: error instanceof DuoApiHostRefused ? "host_not_allowed" : "wrong_keys" };
  }
  try {
    await withinDuoTimeout(client.healthCheck());
    return { ok: true };
  } catch (error) {
    const failure = classifyDuoError(error);
    return { ok: false, reason: failure === "unreachable" ? "unreachable" : "wrong_keys" };
  }
}
