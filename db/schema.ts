/*
 * The tables, in the dialect this process runs on (db/dialect.ts). Domain
 * code imports them from here and is typed against the SQLite definitions;
 * the PostgreSQL ones (db/schema.pg.ts) have the same tables, columns,
 * constraints and indexes (db/schema-parity.test.ts), so the same queries
 * build for either. The enumerations and types come from the SQLite file,
 * which both share.
 */
import { configuredDialect } from "./dialect";
import * as postgres from "./schema.pg";
import * as sqlite from "./schema.sqlite";

export * from "./schema.sqlite";

const tables = (configuredDialect() === "postgres" ? postgres : sqlite) as unknown as typeof sqlite;

export const organisations = tables.organisations;
export const users = tables.users;
export const totpCredentials = tables.totpCredentials;
export const recoveryCodes = tables.recoveryCodes;
export const trustedBrowsers = tables.trustedBrowsers;
export const roles = tables.roles;
export const groups = tables.groups;
export const groupMembers = tables.groupMembers;
export const userRoles = tables.userRoles;
export const groupRoles = tables.groupRoles;
export const sessions = tables.sessions;
export const knownBrowsers = tables.knownBrowsers;
export const signInFailures = tables.signInFailures;
export const auditEvents = tables.auditEvents;
export const apiTokens = tables.apiTokens;
export const emailLinks = tables.emailLinks;
export const duoAuthStates = tables.duoAuthStates;
export const oneTimeCodes = tables.oneTimeCodes;
export const outbox = tables.outbox;
export const recoveryRequests = tables.recoveryRequests;
export const apiRateLimits = tables.apiRateLimits;
export const instances = tables.instances;
export const passkeys = tables.passkeys;
export const webauthnChallenges = tables.webauthnChallenges;
export const adoptionSnapshots = tables.adoptionSnapshots;
export const jobLeases = tables.jobLeases;
export const twoFactorReminders = tables.twoFactorReminders;
export const webhooks = tables.webhooks;
export const webhookDeliveries = tables.webhookDeliveries;
