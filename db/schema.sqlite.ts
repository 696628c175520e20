import { sql } from "drizzle-orm";
import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
  type AnySQLiteColumn,
} from "drizzle-orm/sqlite-core";

/*
 * Timestamps are integers (milliseconds since the epoch): they sort, compare
 * and index cheaply in SQLite, and Drizzle maps them to Date.
 */
const timestamp = (name: string) => integer(name, { mode: "timestamp_ms" });
const createdAt = () =>
  timestamp("created_at")
    .notNull()
    .default(sql`(cast(unixepoch('subsec') * 1000 as integer))`);

export const TWO_FACTOR_POLICIES = ["disabled", "optional", "required"] as const;
export type TwoFactorPolicy = (typeof TWO_FACTOR_POLICIES)[number];

/**
 * A user's own override of the organisation's policy; "default" defers to
 * roles and the organisation; "phishing_resistant": required, and only a
 * passkey or security key (or SSO) counts.
 */
export const TWO_FACTOR_REQUIREMENTS = ["default", "required", "optional", "disabled", "phishing_resistant"] as const;
export type TwoFactorRequirement = (typeof TWO_FACTOR_REQUIREMENTS)[number];

export const TWO_FACTOR_METHODS = ["totp", "code", "duo", "passkey"] as const;
export type TwoFactorMethod = (typeof TWO_FACTOR_METHODS)[number];

export const CODE_DELIVERIES = ["auto", "sms", "email"] as const;
export type CodeDelivery = (typeof CODE_DELIVERIES)[number];

/**
 * `password`: the second factor is still owed; `setup`: 2FA is required but
 * the user has none, so they must set one up; `email_setup`: the same, in an
 * organisation that first sends a link to the user's mailbox (the session
 * moves on to `setup` once that link is opened in it); `active`: fully signed in.
 */
export const SESSION_STAGES = ["password", "setup", "email_setup", "active"] as const;
export type SessionStage = (typeof SESSION_STAGES)[number];

/**
 * How a user who must use 2FA but has no factor sets one up at sign-in:
 * straight away on the screen, or through a link emailed to them first.
 */
export const REQUIRED_SETUP_FLOWS = ["on_screen", "emailed_link"] as const;
export type RequiredSetupFlow = (typeof REQUIRED_SETUP_FLOWS)[number];

/** 14 days: long enough not to bother people at their usual browser, short enough to end forgotten sessions. */
export const DEFAULT_SESSION_IDLE_MINUTES = 14 * 24 * 60;

/** `refuse`: a Duo bypass is not a second factor; `flag`: accept it, audited as a bypass. */
/** ASVS 5.0 V16.4: audit logs are kept long enough to investigate; one year unless the organisation says otherwise. */
export const DEFAULT_AUDIT_RETENTION_DAYS = 365;

export const DUO_BYPASS_ACTIONS = ["refuse", "flag"] as const;
export type DuoBypassAction = (typeof DUO_BYPASS_ACTIONS)[number];

export const organisations = sqliteTable("organisations", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull(),
  twoFactorPolicy: text("two_factor_policy", { enum: TWO_FACTOR_POLICIES }).notNull().default("optional"),
  allowTotp: integer("allow_totp", { mode: "boolean" }).notNull().default(true),
  allowCode: integer("allow_code", { mode: "boolean" }).notNull().default(true),
  allowDuo: integer("allow_duo", { mode: "boolean" }).notNull().default(false),
  /** Passkeys and security keys (WebAuthn): the one phishing-resistant method, allowed unless turned off. */
  allowPasskey: integer("allow_passkey", { mode: "boolean" }).notNull().default(true),
  /** Days a newly required user may still skip setup; 0 = set up at the next sign-in. */
  twoFactorGraceDays: integer("two_factor_grace_days").notNull().default(0),
  sessionDurationDays: integer("session_duration_days").notNull().default(90),
  duoIntegrationKey: text("duo_integration_key"),
  /** AES-256-GCM ciphertext (lib/crypto), never the plain secret. */
  duoSecretKeyEncrypted: text("duo_secret_key_encrypted"),
  duoApiHostname: text("duo_api_hostname"),
  requiredSetupFlow: text("required_setup_flow", { enum: REQUIRED_SETUP_FLOWS }).notNull().default("on_screen"),
  /** Sessions idle this long are signed out at their next request (NIST SP 800-63B-4 §2.2.3). */
  sessionIdleMinutes: integer("session_idle_minutes").notNull().default(DEFAULT_SESSION_IDLE_MINUTES),
  /** Wrong passwords one (account, address) pair may send within the failure window. */
  passwordFailureLimit: integer("password_failure_limit").notNull().default(10),
  /** Wrong passwords for one account from everywhere before each further attempt is slowed down. */
  accountFailureLimit: integer("account_failure_limit").notNull().default(100),
  /** The window the failure limits count in, which is also how long a lock lasts. */
  failureWindowMinutes: integer("failure_window_minutes").notNull().default(15),
  /** Wrong second-factor codes one user may send within the failure window. */
  secondFactorFailureLimit: integer("second_factor_failure_limit").notNull().default(10),
  /** Consecutive wrong second-factor codes, however spread out, before the factor locks (NIST SP 800-63B-4 §3.2.2: at most 100). */
  secondFactorLockoutLimit: integer("second_factor_lockout_limit").notNull().default(100),
  /** What a Duo "allow" without a real factor (bypass, unenrolled user) does at sign-in. */
  duoBypassAtSignIn: text("duo_bypass_at_sign_in", { enum: DUO_BYPASS_ACTIONS }).notNull().default("refuse"),
  /** Days audit events are kept before the retention job deletes them (at least a year by default). */
  auditRetentionDays: integer("audit_retention_days").notNull().default(DEFAULT_AUDIT_RETENTION_DAYS),
  createdAt: createdAt(),
});

export const users = sqliteTable(
  "users",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    organisationId: integer("organisation_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    /** Stored trimmed and lower-cased; the unique index on lower(email) guards writes that forget. */
    email: text("email").notNull(),
    name: text("name").notNull(),
    /** argon2id PHC string; null for accounts that cannot use a password (SSO, pending invitation). */
    passwordHash: text("password_hash"),
    passwordChangedAt: timestamp("password_changed_at"),
    /**
     * Set when the password is reset through an emailed link; cleared when a
     * sign-in completes. Until then the mailbox has just proved the password,
     * so it may not also be the second factor: no code goes by email.
     */
    passwordResetByEmailAt: timestamp("password_reset_by_email_at"),
    /**
     * The IANA time zone of the browser of their last completed sign-in
     * ("Europe/Paris"), so emails state times as they live them; null: UTC.
     */
    timeZone: text("time_zone"),
    /** E.164, e.g. +447700900123. */
    mobileNumber: text("mobile_number"),
    mobileVerifiedAt: timestamp("mobile_verified_at"),
    isApiAccount: integer("is_api_account", { mode: "boolean" }).notNull().default(false),
    twoFactorRequirement: text("two_factor_requirement", { enum: TWO_FACTOR_REQUIREMENTS })
      .notNull()
      .default("default"),
    /** When 2FA first became required for this user, for the organisation's grace period. */
    twoFactorRequiredSince: timestamp("two_factor_required_since"),
    preferredTwoFactorMethod: text("preferred_two_factor_method", { enum: TWO_FACTOR_METHODS }),
    codeDelivery: text("code_delivery", { enum: CODE_DELIVERIES }).notNull().default("auto"),
    /**
     * When the user turned on codes by SMS or email themselves. Users who are
     * required to use 2FA get codes without this, when the organisation allows them.
     */
    codesEnabledAt: timestamp("codes_enabled_at"),
    /** When the user first completed a Duo prompt: from then on Duo is one of their factors. */
    duoEnabledAt: timestamp("duo_enabled_at"),
    /**
     * Set for people who sign in through the organisation's identity provider
     * (OpenID Connect): they are identified by issuer and subject, never by
     * email, and have no password.
     */
    ssoIssuer: text("sso_issuer"),
    ssoSubject: text("sso_subject"),
    disabledAt: timestamp("disabled_at"),
    lastSignInAt: timestamp("last_sign_in_at"),
    /** Wrong second-factor codes since the last success, however spread out in time. */
    secondFactorConsecutiveFailures: integer("second_factor_consecutive_failures").notNull().default(0),
    /** Set when those reach the organisation's lockout limit: only a recovery code or an admin's "Unlock" clears it. */
    secondFactorLockedAt: timestamp("second_factor_locked_at"),
    /** Email "New sign-in to Twofold" when a browser not seen before signs in. */
    signInAlerts: integer("sign_in_alerts", { mode: "boolean" }).notNull().default(true),
    /**
     * The WebAuthn user handle (base64url of 32 random bytes), made at the
     * first passkey registration: random rather than the user's id, so an
     * authenticator never holds anything that names the account.
     */
    webauthnUserId: text("webauthn_user_id").unique(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("users_email_unique").on(sql`lower(${t.email})`),
    // The admin list searches by prefix and sorts case-insensitively within one
    // organisation: these let it read a range of an index instead of every user.
    index("users_organisation_name_nocase_idx").on(t.organisationId, sql`${t.name} collate nocase`),
    index("users_organisation_email_nocase_idx").on(t.organisationId, sql`${t.email} collate nocase`),
    // An email-prefix search listed in name order sorts its matches by name:
    // with the name in the index, a common prefix sorts index entries, not rows.
    index("users_organisation_email_name_nocase_idx").on(
      t.organisationId,
      sql`${t.email} collate nocase`,
      sql`${t.name} collate nocase`,
    ),
    index("users_organisation_last_sign_in_idx").on(t.organisationId, t.lastSignInAt),
    index("users_organisation_created_idx").on(t.organisationId, t.createdAt),
    uniqueIndex("users_sso_identity_unique").on(t.ssoIssuer, t.ssoSubject),
  ],
);

/** An authenticator-app secret; unconfirmed until the user proves they can generate codes. */
export const totpCredentials = sqliteTable("totp_credentials", {
  userId: integer("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  secretEncrypted: text("secret_encrypted").notNull(),
  confirmedAt: timestamp("confirmed_at"),
  /** Last accepted 30-second step: a code is accepted only for a later step, so none is replayable. */
  lastUsedStep: integer("last_used_step"),
  createdAt: createdAt(),
});

export const recoveryCodes = sqliteTable(
  "recovery_codes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    codeHash: text("code_hash").notNull(),
    usedAt: timestamp("used_at"),
    createdAt: createdAt(),
  },
  (t) => [index("recovery_codes_user_idx").on(t.userId)],
);

/** "Remember this browser for 90 days": only the token's hash is stored. */
export const trustedBrowsers = sqliteTable(
  "trusted_browsers",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull().unique(),
    userAgent: text("user_agent"),
    ip: text("ip"),
    createdAt: createdAt(),
    lastUsedAt: timestamp("last_used_at"),
    expiresAt: timestamp("expires_at").notNull(),
  },
  (t) => [index("trusted_browsers_user_idx").on(t.userId)],
);

export const PERMISSIONS = ["users:read", "users:manage", "roles:manage", "settings:manage", "audit:read"] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const roles = sqliteTable(
  "roles",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    organisationId: integer("organisation_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    permissions: text("permissions", { mode: "json" }).$type<Permission[]>().notNull().default([]),
    requireTwoFactor: integer("require_two_factor", { mode: "boolean" }).notNull().default(false),
    /** Holders may only use a passkey or security key (or SSO): codes, SMS, email and Duo are refused. */
    requirePhishingResistant: integer("require_phishing_resistant", { mode: "boolean" }).notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("roles_organisation_name_unique").on(t.organisationId, sql`lower(${t.name})`)],
);

export const groups = sqliteTable(
  "groups",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    organisationId: integer("organisation_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("groups_organisation_name_unique").on(t.organisationId, sql`lower(${t.name})`)],
);

export const groupMembers = sqliteTable(
  "group_members",
  {
    groupId: integer("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.userId] }), index("group_members_user_idx").on(t.userId)],
);

export const userRoles = sqliteTable(
  "user_roles",
  {
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    roleId: integer("role_id")
      .notNull()
      .references(() => roles.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.userId, t.roleId] }), index("user_roles_role_idx").on(t.roleId)],
);

export const groupRoles = sqliteTable(
  "group_roles",
  {
    groupId: integer("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    roleId: integer("role_id")
      .notNull()
      .references(() => roles.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.roleId] }), index("group_roles_role_idx").on(t.roleId)],
);

export const sessions = sqliteTable(
  "sessions",
  {
    /** SHA-256 of the cookie's random token: a leaked table cannot be replayed as cookies. */
    tokenHash: text("token_hash").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    stage: text("stage", { enum: SESSION_STAGES }).notNull(),
    createdAt: createdAt(),
    lastSeenAt: timestamp("last_seen_at").notNull(),
    /** Absolute: a session is never extended by use. */
    expiresAt: timestamp("expires_at").notNull(),
    ip: text("ip"),
    userAgent: text("user_agent"),
    /** Wrong second-factor codes typed in this half-signed-in session. */
    secondFactorFailures: integer("second_factor_failures").notNull().default(0),
    /** The last time the user proved who they are in this session: signing in, or "Confirm access". */
    authenticatedAt: timestamp("authenticated_at"),
  },
  (t) => [index("sessions_user_idx").on(t.userId), index("sessions_expires_idx").on(t.expiresAt)],
);

/**
 * `pair`: one account from one address; `address`: an address (IPv6 by its
 * /64); `account`: one account from everywhere; `second_factor`: one user's
 * codes. (`ip` is the address scope's former name.)
 */
export const SIGN_IN_FAILURE_SCOPES = [
  "account",
  "ip",
  "pair",
  "address",
  "second_factor",
  /** "Send reset link" requests (not failures): from one address, and for one typed email. */
  "reset_address",
  "reset_account",
  /** "I can't use any of my methods" requests of one user. */
  "recovery_request",
  /** Duo "Test connection" presses of one organisation (each is an outbound call). */
  "duo_connection_test",
] as const;
export type SignInFailureScope = (typeof SIGN_IN_FAILURE_SCOPES)[number];

/**
 * Browsers that have completed a sign-in for an account: a long-lived device
 * cookie's hash. They are let past the account-wide failure limit, so a
 * stranger hammering an account cannot lock its owner out, and a sign-in from
 * a browser not listed here sends "New sign-in to Twofold".
 */
export const knownBrowsers = sqliteTable(
  "known_browsers",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull(),
    userAgent: text("user_agent"),
    ip: text("ip"),
    createdAt: createdAt(),
    lastSeenAt: timestamp("last_seen_at").notNull(),
  },
  (t) => [uniqueIndex("known_browsers_user_token_unique").on(t.userId, t.tokenHash)],
);

/**
 * Failed attempts on the way to signing in, counted per account (the typed
 * email) and client IP for passwords, and per user for second factors.
 */
export const signInFailures = sqliteTable(
  "sign_in_failures",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    scope: text("scope", { enum: SIGN_IN_FAILURE_SCOPES }).notNull(),
    key: text("key").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("sign_in_failures_lookup_idx").on(t.scope, t.key, t.createdAt)],
);

export const auditEvents = sqliteTable(
  "audit_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** Null when the event cannot be tied to an organisation (a failed sign-in for an unknown email). */
    organisationId: integer("organisation_id").references(() => organisations.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    actorUserId: integer("actor_user_id").references((): AnySQLiteColumn => users.id, { onDelete: "set null" }),
    targetUserId: integer("target_user_id").references((): AnySQLiteColumn => users.id, { onDelete: "set null" }),
    ip: text("ip"),
    userAgent: text("user_agent"),
    details: text("details", { mode: "json" }).$type<Record<string, string | number | boolean | null>>(),
    createdAt: createdAt(),
  },
  (t) => [
    index("audit_events_organisation_time_idx").on(t.organisationId, t.createdAt),
    index("audit_events_organisation_type_time_idx").on(t.organisationId, t.type, t.createdAt),
    index("audit_events_target_idx").on(t.targetUserId, t.createdAt),
    index("audit_events_actor_idx").on(t.actorUserId, t.createdAt),
  ],
);

export const apiTokens = sqliteTable(
  "api_tokens",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** SHA-256 of the token: it is shown once, when created, and never stored. */
    tokenHash: text("token_hash").notNull().unique(),
    /** The token's first characters, so people can tell their tokens apart. */
    hint: text("hint").notNull().default(""),
    createdByUserId: integer("created_by_user_id").references((): AnySQLiteColumn => users.id, {
      onDelete: "set null",
    }),
    createdAt: createdAt(),
    lastUsedAt: timestamp("last_used_at"),
    /** Chosen when created; null: the token works until revoked. */
    expiresAt: timestamp("expires_at"),
    revokedAt: timestamp("revoked_at"),
  },
  (t) => [index("api_tokens_user_idx").on(t.userId)],
);

/**
 * `invitation`: set name and password (7 days); `authenticator_setup`: an
 * admin's "Send setup link", enrol an authenticator after signing in (24
 * hours); `sign_in_setup`: the emailed step of a required setup at sign-in,
 * usable only by the session that asked for it (24 hours); `password_reset`:
 * choose a new password, asked for at /login/forgot or sent by an admin (30
 * minutes).
 */
export const EMAIL_LINK_PURPOSES = ["invitation", "authenticator_setup", "sign_in_setup", "password_reset"] as const;
export type EmailLinkPurpose = (typeof EMAIL_LINK_PURPOSES)[number];

/** Single-use links sent by email; only the token's hash is stored. */
export const emailLinks = sqliteTable(
  "email_links",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    organisationId: integer("organisation_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    purpose: text("purpose", { enum: EMAIL_LINK_PURPOSES }).notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    /** For `sign_in_setup`: the half-signed-in session the link belongs to. */
    sessionTokenHash: text("session_token_hash"),
    createdByUserId: integer("created_by_user_id").references((): AnySQLiteColumn => users.id, {
      onDelete: "set null",
    }),
    createdAt: createdAt(),
    expiresAt: timestamp("expires_at").notNull(),
    usedAt: timestamp("used_at"),
    /** Replaced by a newer link, or withdrawn by an admin. */
    revokedAt: timestamp("revoked_at"),
  },
  (t) => [index("email_links_user_purpose_idx").on(t.userId, t.purpose)],
);

/**
 * A Duo Universal Prompt round trip in progress: the `state` sent to Duo
 * (hashed), bound to the session that started it, usable once.
 */
export const duoAuthStates = sqliteTable(
  "duo_auth_states",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    sessionTokenHash: text("session_token_hash").notNull(),
    stateHash: text("state_hash").notNull().unique(),
    /**
     * `sign_in`: the second factor of a sign-in; `enrol`: turning Duo on from
     * the profile or setup; `disable`: confirming turning Duo off;
     * `confirm`: the second factor of "Confirm access" (/confirm-access).
     */
    purpose: text("purpose", { enum: ["sign_in", "enrol", "disable", "confirm"] }).notNull(),
    /** "Remember this browser for 90 days" was ticked before leaving for Duo. */
    rememberBrowser: integer("remember_browser", { mode: "boolean" }).notNull().default(false),
    createdAt: createdAt(),
    expiresAt: timestamp("expires_at").notNull(),
    usedAt: timestamp("used_at"),
  },
  (t) => [index("duo_auth_states_session_idx").on(t.sessionTokenHash)],
);

/**
 * `second_factor`: signing in, or confirming a change while signed in;
 * `enable_codes`: proving codes arrive before turning them on;
 * `verify_mobile`: proving a new number is the user's.
 */
export const ONE_TIME_CODE_PURPOSES = ["second_factor", "enable_codes", "verify_mobile"] as const;
export type OneTimeCodePurpose = (typeof ONE_TIME_CODE_PURPOSES)[number];

/**
 * Six-digit codes sent by SMS or email. Each row is also one send, so the
 * send limits count rows: they are kept (used, voided or expired) until the
 * longest limit window has passed, and are not tied to the session by a
 * foreign key, so signing out and in again cannot wipe the count.
 */
export const oneTimeCodes = sqliteTable(
  "one_time_codes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    organisationId: integer("organisation_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    purpose: text("purpose", { enum: ONE_TIME_CODE_PURPOSES }).notNull(),
    /** The one session the code was sent for; only that session can use it. */
    sessionTokenHash: text("session_token_hash").notNull(),
    /** HMAC-SHA256 under the server key: 10^6 codes are too few for a plain hash. */
    codeHash: text("code_hash").notNull(),
    /** The channel that carried the code (email after an SMS fallback). */
    channel: text("channel", { enum: ["sms", "email"] }).notNull(),
    /** The E.164 number or email address it went to. */
    destination: text("destination").notNull(),
    /** Why an SMS was planned but the code went by email; null when it went as planned. */
    fallbackReason: text("fallback_reason", { enum: ["sms_failed", "sms_limit"] }),
    failures: integer("failures").notNull().default(0),
    createdAt: createdAt(),
    expiresAt: timestamp("expires_at").notNull(),
    usedAt: timestamp("used_at"),
    voidedAt: timestamp("voided_at"),
  },
  (t) => [
    index("one_time_codes_session_idx").on(t.sessionTokenHash, t.purpose),
    index("one_time_codes_user_time_idx").on(t.userId, t.createdAt),
    index("one_time_codes_organisation_time_idx").on(t.organisationId, t.createdAt),
  ],
);

/** Messages kept instead of sent while no email/SMS provider is configured (see /dev/outbox). */
export const outbox = sqliteTable(
  "outbox",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    channel: text("channel", { enum: ["email", "sms"] }).notNull(),
    to: text("to").notNull(),
    subject: text("subject"),
    body: text("body").notNull(),
    html: text("html"),
    createdAt: createdAt(),
  },
  (t) => [index("outbox_created_idx").on(t.createdAt)],
);

export type Organisation = typeof organisations.$inferSelect;
export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type Role = typeof roles.$inferSelect;
export type Session = typeof sessions.$inferSelect;
export type AuditEvent = typeof auditEvents.$inferSelect;
export type OutboxMessage = typeof outbox.$inferSelect;
export type OneTimeCode = typeof oneTimeCodes.$inferSelect;
export type ApiToken = typeof apiTokens.$inferSelect;
export type EmailLink = typeof emailLinks.$inferSelect;
export type DuoAuthState = typeof duoAuthStates.$inferSelect;

export const RECOVERY_REQUEST_STATES = ["pending", "resolved", "dismissed"] as const;
export type RecoveryRequestState = (typeof RECOVERY_REQUEST_STATES)[number];

/**
 * "I can't use any of my methods": a user who passed the password step but
 * has lost every second factor asks the organisation's administrators for
 * help. The request changes nothing by itself; an administrator verifies the
 * person by their own means, then resets two-factor authentication
 * (`resolved`) or dismisses it. A pending request older than
 * RECOVERY_REQUEST_LIFETIME_MS (lib/recovery/requests.ts) counts as expired.
 */
export const recoveryRequests = sqliteTable(
  "recovery_requests",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    organisationId: integer("organisation_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    state: text("state", { enum: RECOVERY_REQUEST_STATES }).notNull().default("pending"),
    /** Where the request came from, for the administrator who checks it. */
    ip: text("ip"),
    userAgent: text("user_agent"),
    createdAt: createdAt(),
    expiresAt: timestamp("expires_at").notNull(),
    closedAt: timestamp("closed_at"),
    closedByUserId: integer("closed_by_user_id").references((): AnySQLiteColumn => users.id, { onDelete: "set null" }),
  },
  (t) => [
    index("recovery_requests_organisation_state_idx").on(t.organisationId, t.state, t.createdAt),
    index("recovery_requests_user_idx").on(t.userId, t.createdAt),
  ],
);

/**
 * The API's per-token request counter, shared by every server process and
 * instance (lib/api/rate-limit.ts): one row per token, a fixed window that
 * restarts when a request arrives after it ended.
 */
export const apiRateLimits = sqliteTable("api_rate_limits", {
  tokenId: integer("token_id")
    .primaryKey()
    .references(() => apiTokens.id, { onDelete: "cascade" }),
  windowStartedAt: timestamp("window_started_at").notNull(),
  count: integer("count").notNull(),
});

/**
 * Each running server process, so that one started with different secrets or
 * a different build than those still running is noticed at start
 * (lib/deployment/instance-agreement.ts). Fingerprints are HMACs keyed by the
 * secret: they tell whether two secrets are equal and nothing else.
 */
export const instances = sqliteTable(
  "instances",
  {
    id: text("id").primaryKey(),
    hostname: text("hostname").notNull(),
    pid: integer("pid").notNull(),
    startedAt: timestamp("started_at").notNull(),
    lastSeenAt: timestamp("last_seen_at").notNull(),
    authSecretFingerprint: text("auth_secret_fingerprint").notNull(),
    encryptionKeyFingerprint: text("encryption_key_fingerprint").notNull(),
    serverActionsKeyFingerprint: text("server_actions_key_fingerprint").notNull(),
    buildId: text("build_id").notNull(),
  },
  (t) => [index("instances_last_seen_idx").on(t.lastSeenAt)],
);

/**
 * A WebAuthn credential: a synced passkey (`multi_device`) or a key bound to
 * one device (`single_device`). The public key is not secret; the counter is
 * the authenticator's signature counter, refused when it goes backwards.
 */
export const PASSKEY_DEVICE_TYPES = ["single_device", "multi_device"] as const;
export type PasskeyDeviceType = (typeof PASSKEY_DEVICE_TYPES)[number];

export const passkeys = sqliteTable(
  "passkeys",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** base64url of the credential id. */
    credentialId: text("credential_id").notNull().unique(),
    /** base64url of the COSE public key. */
    publicKey: text("public_key").notNull(),
    /** Unsigned 32-bit on the authenticator: a bigint on PostgreSQL. */
    counter: integer("counter").notNull().default(0),
    /** The transports the browser reported ("internal", "usb", "hybrid"…), to offer the credential the right way. */
    transports: text("transports", { mode: "json" }).$type<string[]>().notNull().default([]),
    deviceType: text("device_type", { enum: PASSKEY_DEVICE_TYPES }).notNull(),
    backedUp: integer("backed_up", { mode: "boolean" }).notNull().default(false),
    /** The authenticator model's AAGUID, when it says. */
    aaguid: text("aaguid"),
    /** The user's own name for it ("Work laptop"). */
    name: text("name").notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamp("last_used_at"),
  },
  (t) => [index("passkeys_user_idx").on(t.userId)],
);

/**
 * `register`: adding a passkey on the profile or at setup; `second_factor`:
 * the second step of a sign-in; `passwordless`: signing in with a passkey
 * alone; `confirm`: "Confirm access" with a passkey.
 */
export const WEBAUTHN_CHALLENGE_PURPOSES = ["register", "second_factor", "passwordless", "confirm"] as const;
export type WebauthnChallengePurpose = (typeof WEBAUTHN_CHALLENGE_PURPOSES)[number];

/**
 * A WebAuthn challenge: single-use (usedAt), short-lived (expiresAt), and
 * bound to whoever asked for it (bindingHash: the hash of the session token,
 * or for passwordless sign-in of a random cookie set with the options). Only
 * the challenge's hash is stored.
 */
export const webauthnChallenges = sqliteTable(
  "webauthn_challenges",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    challengeHash: text("challenge_hash").notNull().unique(),
    purpose: text("purpose", { enum: WEBAUTHN_CHALLENGE_PURPOSES }).notNull(),
    bindingHash: text("binding_hash").notNull(),
    /** Null for passwordless sign-in, where the credential names the user. */
    userId: integer("user_id").references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    expiresAt: timestamp("expires_at").notNull(),
    usedAt: timestamp("used_at"),
  },
  (t) => [
    index("webauthn_challenges_binding_idx").on(t.bindingHash),
    index("webauthn_challenges_expires_idx").on(t.expiresAt),
  ],
);
