import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { databaseId } from "@/lib/database-id";
import { parseAllowedEmailDomains } from "@/lib/auth/sso-domains";
import { parseDuoAllowedHosts } from "@/lib/two-factor/duo/api-host";
import type { ConfiguredKey } from "@/lib/keys/key-ring";
import { parseTrustedProxies } from "@/lib/trusted-proxies";

/** A misconfiguration that must stop the server with a message an operator can act on. */
export class ConfigurationError extends Error {
  override name = "ConfigurationError";
}

const optionalText = z
  .string()
  .trim()
  .transform((value) => value || undefined)
  .optional();

/** `NAME=` in an env file means "not set", as it does for the optional texts above. */
const unsetWhenEmpty = <Schema extends z.ZodType>(schema: Schema) =>
  z.preprocess((value) => (typeof value === "string" && value.trim() === "" ? undefined : value), schema);

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.string().trim().min(1).default("file:./data/twofold.db"),
  AUTH_SECRET: optionalText,
  APP_ENCRYPTION_KEY: optionalText,
  /**
   * Key rotation: comma-separated keys (each `openssl rand -base64 32`), newest
   * first. The ring is these, then APP_ENCRYPTION_KEY, a key listed twice kept
   * once; its first key encrypts and hashes everything new, the others only
   * read data not yet moved by `npm run keys:rekey` (lib/keys).
   */
  APP_ENCRYPTION_KEYS: optionalText,
  RESEND_API_KEY: optionalText,
  EMAIL_FROM: optionalText,
  TWILIO_ACCOUNT_SID: optionalText,
  TWILIO_AUTH_TOKEN: optionalText,
  TWILIO_FROM: optionalText,
  /** Test stand-ins (or an egress proxy) for the providers' APIs. */
  TWILIO_API_BASE_URL: unsetWhenEmpty(z.url({ protocol: /^https?$/ }).optional()),
  RESEND_BASE_URL: unsetWhenEmpty(z.url({ protocol: /^https?$/ }).optional()),
  /** Text messages one organisation may send per hour: a cap on SMS pumping. Codes go by email beyond it. */
  SMS_HOURLY_LIMIT: unsetWhenEmpty(z.coerce.number().int().min(0).default(500)),
  /**
   * The address people reach Twofold at, for links in emails. Never taken
   * from the request's Host header, which a client can forge. Defaults to
   * http://localhost:$PORT in development; production needs it to send links.
   */
  APP_URL: unsetWhenEmpty(z.url({ protocol: /^https?$/ }).optional()),
  PORT: unsetWhenEmpty(z.coerce.number().int().min(1).max(65535).default(3000)),
  /**
   * The reverse proxies in front of Twofold, which decide the client address
   * (lib/trusted-proxies): a count of hops or a list of CIDRs. Unset: 0, no
   * proxy, because `next start` passes a client's own X-Forwarded-For through.
   */
  TRUSTED_PROXIES: z
    .string()
    .optional()
    .transform((value, context) => {
      const parsed = parseTrustedProxies(value);
      if (parsed.ok) return parsed.value;
      context.addIssue({ code: "custom", message: parsed.message });
      return z.NEVER;
    }),
  /** An OpenID Connect identity provider: all three, or none (then no "Sign in with SSO"). */
  OIDC_ISSUER: unsetWhenEmpty(z.url({ protocol: /^https?$/ }).optional()),
  OIDC_CLIENT_ID: optionalText,
  OIDC_CLIENT_SECRET: optionalText,
  /**
   * The organisation people who first sign in with SSO join (their account is
   * created then). Unset: the organisation with the lowest id, the first one created.
   */
  OIDC_ORGANISATION_ID: unsetWhenEmpty(databaseId().optional()),
  /**
   * Email domains SSO may create accounts for (comma-separated, exact match).
   * Unset: any domain. Accounts already linked keep signing in.
   */
  OIDC_ALLOWED_DOMAINS: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const parsed = parseAllowedEmailDomains(value);
      if (parsed.ok) return parsed.domains;
      ctx.issues.push({
        code: "custom",
        input: value,
        message: `"${parsed.entry}" is not an email domain. List domains separated by commas, like example.com,example.org (no wildcards; list each subdomain you mean).`,
      });
      return z.NEVER;
    }),
  /** `1`: users holding any admin permission may sign in with SSO only if the ID token's amr shows multi-factor authentication. */
  OIDC_REQUIRE_MFA_FOR_ADMINS: unsetWhenEmpty(
    z
      .enum(["0", "1", "true", "false"], {
        error: "Use 1 to require multi-factor authentication at the identity provider for administrators, or 0.",
      })
      .optional()
      .transform((value) => value === "1" || value === "true"),
  ),
  /**
   * Hosts besides Duo's own (api-….duosecurity.com, api-….duofederal.com) that
   * may be saved as Duo's API hostname: exact, comma-separated, optionally
   * host:port. For a test stand-in or an egress proxy; unset in most deployments.
   */
  DUO_ALLOWED_API_HOSTS: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const parsed = parseDuoAllowedHosts(value);
      if (parsed.ok) return parsed.hosts;
      ctx.issues.push({
        code: "custom",
        input: value,
        message: `"${parsed.entry}" is not a host name. List host names or host:port, separated by commas, like duo-proxy.internal:8443 (no scheme, path or wildcard).`,
      });
      return z.NEVER;
    }),
  /**
   * Hosts a webhook may be sent to although they resolve to a private or
   * loopback address (and over http): exact, comma-separated, optionally
   * host:port. For a receiver inside your network, or tests; unset in most deployments.
   */
  WEBHOOK_ALLOWED_HOSTS: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const parsed = parseDuoAllowedHosts(value);
      if (parsed.ok) return parsed.hosts;
      ctx.issues.push({
        code: "custom",
        input: value,
        message: `"${parsed.entry}" is not a host name. List host names or host:port, separated by commas, like siem.internal:8443 (no scheme, path or wildcard).`,
      });
      return z.NEVER;
    }),
  /** How often each process looks for webhook deliveries that are due, in milliseconds. */
  WEBHOOK_WORKER_INTERVAL_MS: unsetWhenEmpty(z.coerce.number().int().min(100).max(600_000).default(10_000)),
  /** The first retry's delay in milliseconds; later ones grow from it (about 30 s, 2 min, 10 min, 1 h, 6 h, 24 h). */
  WEBHOOK_RETRY_BASE_MS: unsetWhenEmpty(z.coerce.number().int().min(100).max(3_600_000).default(30_000)),
  /** Requests one API token may make per minute. */
  API_RATE_LIMIT_PER_MINUTE: unsetWhenEmpty(z.coerce.number().int().min(1).default(120)),
  /**
   * `1`: in production, a channel without a provider keeps its messages in the
   * outbox table (sign-in codes and links stored in the database) instead of
   * the server refusing to start. Unset: production needs both providers.
   */
  OUTBOX_IN_PRODUCTION: unsetWhenEmpty(
    z
      .enum(["0", "1", "true", "false"])
      .optional()
      .transform((value) => value === "1" || value === "true"),
  ),
  /**
   * The key Next.js encrypts server actions' closed-over values with and, at
   * build time, salts their ids with. Optional: unset, each build makes its
   * own, which every process serving that build shares. Instances built
   * separately need the same value at build and at run time (lib/deployment).
   */
  NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: optionalText.refine(
    // Next.js decodes it with atob(): standard base64 only.
    (value) =>
      value === undefined ||
      (/^[A-Za-z0-9+/]+={0,2}$/.test(value) && [16, 24, 32].includes(Buffer.from(value, "base64").length)),
    { message: "must be an AES key of 16, 24 or 32 bytes encoded as base64 (openssl rand -base64 32)." },
  ),
  /** Whether /dev/outbox lists messages in production; always in development. */
  OUTBOX_PUBLIC: unsetWhenEmpty(
    z
      .enum(["0", "1", "true", "false"])
      .optional()
      .transform((value) => (value === undefined ? undefined : value === "1" || value === "true")),
  ),
});

export type Env = Omit<
  z.infer<typeof envSchema>,
  "AUTH_SECRET" | "APP_ENCRYPTION_KEY" | "APP_ENCRYPTION_KEYS" | "OUTBOX_PUBLIC"
> & {
  OUTBOX_PUBLIC: boolean;
  AUTH_SECRET: string;
  /** The key ring, decoded, newest first (loadEncryptionKeys); lib/keys/app-key-ring builds on it. */
  APP_ENCRYPTION_KEYS: readonly ConfiguredKey[];
};

const SECRETS_DIRECTORY = path.resolve("data");

/**
 * In development a missing secret is generated once into ./data/ so the quick
 * start needs no configuration; in production it must come from the environment,
 * because a generated key would silently differ between replicas and restarts.
 */
function resolveSecret(name: string, value: string | undefined, production: boolean): string {
  if (value) return value;
  if (production) {
    throw new ConfigurationError(
      `${name} is not set. Production needs it in the environment; generate one with: openssl rand -base64 32`,
    );
  }
  const file = path.join(SECRETS_DIRECTORY, name.toLowerCase().replaceAll("_", "-"));
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  fs.mkdirSync(SECRETS_DIRECTORY, { recursive: true });
  const generated = crypto.randomBytes(32).toString("base64");
  // "wx" fails if another process generated it first; then theirs wins.
  try {
    fs.writeFileSync(file, `${generated}\n`, { mode: 0o600, flag: "wx" });
    return generated;
  } catch {
    return fs.readFileSync(file, "utf8").trim();
  }
}

/** Half a provider's credentials is a typo, not a choice: say so instead of quietly using the outbox. */
function checkProviders(env: z.infer<typeof envSchema>): void {
  const twilio = [env.TWILIO_ACCOUNT_SID, env.TWILIO_AUTH_TOKEN, env.TWILIO_FROM];
  if (twilio.some(Boolean) && !twilio.every(Boolean)) {
    throw new ConfigurationError(
      "Twilio needs all of TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM, or none of them.",
    );
  }
  const oidc = [env.OIDC_ISSUER, env.OIDC_CLIENT_ID, env.OIDC_CLIENT_SECRET];
  if (oidc.some(Boolean) && !oidc.every(Boolean)) {
    throw new ConfigurationError(
      "SSO needs all of OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET, or none of them.",
    );
  }
  if (Boolean(env.RESEND_API_KEY) !== Boolean(env.EMAIL_FROM)) {
    throw new ConfigurationError(
      "Resend needs both RESEND_API_KEY and EMAIL_FROM (a sender on your verified domain), or neither.",
    );
  }
}

const KEY_HINT = "32 bytes encoded as base64 (openssl rand -base64 32)";
// Buffer.from(…, "base64") skips characters it does not know: a stray quote or space would silently change the key.
const BASE64 = /^(?:[A-Za-z0-9+/]+={0,2}|[A-Za-z0-9_-]+)$/;

/** One key; the message names where it was set and never repeats its value. */
function decodeEncryptionKey(value: string, problem: string): Buffer {
  const key = BASE64.test(value) ? Buffer.from(value, "base64") : Buffer.alloc(0);
  if (key.length !== 32) throw new ConfigurationError(problem);
  return key;
}

function parseKeyList(list: string): ConfiguredKey[] {
  const entries = list.split(",");
  return entries.map((entry, index) => {
    const source = `APP_ENCRYPTION_KEYS entry ${index + 1}`;
    const where = `${source} (of ${entries.length})`;
    const value = entry.trim();
    const problem = value
      ? `${where} is not ${KEY_HINT}. List the keys newest first, separated by commas.`
      : `${where} is empty. List the keys newest first, separated by commas, with no empty entries.`;
    return { key: decodeEncryptionKey(value, problem), source };
  });
}

const encryptionKeySchema = envSchema.pick({ NODE_ENV: true, APP_ENCRYPTION_KEY: true, APP_ENCRYPTION_KEYS: true });

/**
 * The encryption key ring, newest first: APP_ENCRYPTION_KEYS in order, then
 * APP_ENCRYPTION_KEY (a key given twice is kept once, by lib/keys/key-ring).
 * With neither set, production stops, and development reads or generates
 * ./data/app-encryption-key as APP_ENCRYPTION_KEY.
 */
export function loadEncryptionKeys(source: NodeJS.ProcessEnv = process.env): ConfiguredKey[] {
  const parsed = parseEnvironment(encryptionKeySchema, source);
  const listed = parsed.APP_ENCRYPTION_KEYS ? parseKeyList(parsed.APP_ENCRYPTION_KEYS) : [];
  if (!parsed.APP_ENCRYPTION_KEY && listed.length > 0) return listed;
  if (!parsed.APP_ENCRYPTION_KEY && parsed.NODE_ENV === "production") {
    throw new ConfigurationError(
      "APP_ENCRYPTION_KEY is not set (nor APP_ENCRYPTION_KEYS). Production needs it in the environment; generate one with: openssl rand -base64 32",
    );
  }
  const single = resolveSecret("APP_ENCRYPTION_KEY", parsed.APP_ENCRYPTION_KEY, false);
  const key = decodeEncryptionKey(single, `APP_ENCRYPTION_KEY must be ${KEY_HINT}.`);
  return [...listed, { key, source: "APP_ENCRYPTION_KEY" }];
}

function parseEnvironment<Schema extends z.ZodType>(schema: Schema, source: NodeJS.ProcessEnv): z.infer<Schema> {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigurationError(`Invalid environment: ${problems.join("; ")}`);
  }
  return parsed.data;
}

export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = parseEnvironment(envSchema, source);
  const production = parsed.NODE_ENV === "production";
  checkProviders(parsed);
  const authSecret = resolveSecret("AUTH_SECRET", parsed.AUTH_SECRET, production);
  if (authSecret.length < 32) throw new ConfigurationError("AUTH_SECRET must be at least 32 characters.");
  // The key texts stay here: the rest of the server sees only the decoded ring.
  const { APP_ENCRYPTION_KEY: _key, APP_ENCRYPTION_KEYS: _keys, ...settings } = parsed;
  return {
    ...settings,
    // The outbox holds sign-in codes: in production it is readable only on purpose.
    OUTBOX_PUBLIC: parsed.OUTBOX_PUBLIC ?? !production,
    AUTH_SECRET: authSecret,
    APP_ENCRYPTION_KEYS: loadEncryptionKeys(source),
  };
}

/** What links into Twofold are built from (lib/app-address). */
export type AppAddressSettings = Pick<Env, "APP_URL" | "NODE_ENV" | "PORT">;

/**
 * Only the settings links are built from, for commands that print a link
 * outside the server (`npm run admin:create`): they need no secrets, and must
 * not generate any into ./data/ as loadEnv does in development.
 */
export function loadAppAddressSettings(source: NodeJS.ProcessEnv = process.env): AppAddressSettings {
  return parseEnvironment(envSchema.pick({ APP_URL: true, NODE_ENV: true, PORT: true }), source);
}

/** OIDC_REQUIRE_MFA_FOR_ADMINS alone, for the access changes that sign out SSO users made administrators (lib/admin/sso-admin-promotion.ts); read at each change, no secrets. */
export function ssoAdminsNeedMfa(source: NodeJS.ProcessEnv = process.env): boolean {
  return (
    parseEnvironment(envSchema.pick({ OIDC_REQUIRE_MFA_FOR_ADMINS: true }), source).OIDC_REQUIRE_MFA_FOR_ADMINS ?? false
  );
}

/** What proxy.ts and the request helpers need: no secrets, so nothing is generated into ./data/. */
export type EdgeSettings = Pick<Env, "APP_URL" | "NODE_ENV" | "PORT" | "TRUSTED_PROXIES">;

let cachedEdge: EdgeSettings | undefined;

export function getEdgeSettings(): EdgeSettings {
  cachedEdge ??= parseEnvironment(
    envSchema.pick({ APP_URL: true, NODE_ENV: true, PORT: true, TRUSTED_PROXIES: true }),
    process.env,
  );
  return cachedEdge;
}

let cached: Env | undefined;

/** Read lazily, not at import: `next build` imports modules without the runtime environment. */
export function getEnv(): Env {
  cached ??= loadEnv();
  return cached;
}
