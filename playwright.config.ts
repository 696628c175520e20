import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";
import { STAND_IN_ACCOUNT_SID, STAND_IN_AUTH_TOKEN } from "./test/stand-ins/twilio";
import {
  E2E_SSO_ALLOWED_DOMAINS,
  OIDC_E2E_ORGANISATION_ID,
  OIDC_STAND_IN_CLIENT_ID,
  OIDC_STAND_IN_CLIENT_SECRET,
} from "./test/stand-ins/oidc-client";
import { makeSelfSignedCertificate } from "./test/stand-ins/duo";

/*
 * The config is evaluated again in every worker; values chosen once in the
 * main process are passed down through the environment so all agree.
 */
function freePort(): string {
  const script =
    "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})";
  return execFileSync(process.execPath, ["-e", script]).toString().trim();
}

process.env.E2E_PORT ??= freePort();
process.env.E2E_TWILIO_PORT ??= freePort();
process.env.E2E_TWILIO_URL = `http://127.0.0.1:${process.env.E2E_TWILIO_PORT}`;
process.env.E2E_OIDC_PORT ??= freePort();
process.env.E2E_OIDC_ISSUER = `http://127.0.0.1:${process.env.E2E_OIDC_PORT}`;
// Duo's stand-in speaks HTTPS with a certificate made now; the server trusts it through NODE_EXTRA_CA_CERTS.
process.env.E2E_DUO_PORT ??= freePort();
process.env.E2E_DUO_URL = `https://127.0.0.1:${process.env.E2E_DUO_PORT}`;
process.env.E2E_DUO_CERT_DIR ??= makeSelfSignedCertificate();
process.env.E2E_DATABASE ??= path.join(fs.mkdtempSync(path.join(os.tmpdir(), "twofold-e2e-")), "twofold.db");
// The app servers' DATABASE_URL: today's SQLite file, or a PostgreSQL database scripts/test.mjs made for this run.
process.env.E2E_DATABASE_URL ??= `file:${process.env.E2E_DATABASE}`;
// The specs' own queries (e2e/fixtures.ts) build for the same dialect as the servers' (db/schema.ts reads it).
process.env.DATABASE_URL = process.env.E2E_DATABASE_URL;
// A second app server on the same database, for e2e/two-instances.spec.ts: instances share nothing but the database.
process.env.E2E_SECOND_PORT ??= freePort();
process.env.E2E_SECOND_BASE_URL = `http://127.0.0.1:${process.env.E2E_SECOND_PORT}`;
process.env.E2E_AUTH_SECRET ??= crypto.randomBytes(32).toString("base64");
process.env.E2E_ENCRYPTION_KEY ??= crypto.randomBytes(32).toString("base64");

const port = process.env.E2E_PORT;
const baseURL = `http://127.0.0.1:${port}`;
/** Text messages go through the real Twilio SDK to a local stand-in; email stays in the outbox. */
const twilioStandInUrl = process.env.E2E_TWILIO_URL;

// Debian's Chromium where it exists (browsers cannot be downloaded on every machine);
// elsewhere Playwright's own browser.
const chromiumPath =
  process.env.CHROMIUM_PATH || (fs.existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);

/** The app server's environment; the second server of e2e/two-instances.spec.ts differs only in its address. */
const appServerEnv = {
  DATABASE_URL: process.env.E2E_DATABASE_URL,
  AUTH_SECRET: process.env.E2E_AUTH_SECRET,
  APP_ENCRYPTION_KEY: process.env.E2E_ENCRYPTION_KEY,
  NEXT_TELEMETRY_DISABLED: "1",
  // One process each: the specs read one hashing queue and one process's state.
  WEB_CONCURRENCY: "1",
  OUTBOX_PUBLIC: "1",
  // No Resend stand-in: email stays in the outbox, which production refuses without this.
  OUTBOX_IN_PRODUCTION: "1",
  APP_URL: baseURL,
  // The tests play the reverse proxy: each sends the X-Forwarded-For entry it wants to appear to come from.
  TRUSTED_PROXIES: "1",
  TWILIO_ACCOUNT_SID: STAND_IN_ACCOUNT_SID,
  TWILIO_AUTH_TOKEN: STAND_IN_AUTH_TOKEN,
  TWILIO_FROM: "+15005550006",
  TWILIO_API_BASE_URL: twilioStandInUrl,
  // Small enough for e2e/api.spec.ts to reach in a short loop; every other API test uses its own token.
  API_RATE_LIMIT_PER_MINUTE: "30",
  // e2e/webhooks.spec.ts's receiver listens on 127.0.0.1; deliveries are looked for and retried within a second or so.
  WEBHOOK_ALLOWED_HOSTS: "127.0.0.1",
  WEBHOOK_WORKER_INTERVAL_MS: "300",
  WEBHOOK_RETRY_BASE_MS: "1000",
  OIDC_ISSUER: process.env.E2E_OIDC_ISSUER,
  OIDC_CLIENT_ID: OIDC_STAND_IN_CLIENT_ID,
  OIDC_CLIENT_SECRET: OIDC_STAND_IN_CLIENT_SECRET,
  OIDC_ORGANISATION_ID: String(OIDC_E2E_ORGANISATION_ID),
  // The domains the SSO specs sign up with (createUser's example.com for the address-taken case); any other is refused.
  OIDC_ALLOWED_DOMAINS: E2E_SSO_ALLOWED_DOMAINS.join(","),
  OIDC_REQUIRE_MFA_FOR_ADMINS: "1",
  // Duo's stand-in is not one of Duo's hosts: the operator's allow-list lets Twofold call it.
  DUO_ALLOWED_API_HOSTS: `127.0.0.1:${process.env.E2E_DUO_PORT}`,
  NODE_EXTRA_CA_CERTS: path.join(process.env.E2E_DUO_CERT_DIR, "cert.pem"),
};

export default defineConfig({
  testDir: "e2e",
  fullyParallel: true,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  workers: 2,
  timeout: 60_000,
  reporter: [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: chromiumPath
      ? {
          executablePath: chromiumPath,
          args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        }
      : {},
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"] } }],
  webServer: [
    {
      command: `npx tsx test/stand-ins/serve.ts twilio ${process.env.E2E_TWILIO_PORT}`,
      url: `${twilioStandInUrl}/_stand-in/received`,
      timeout: 30_000,
      reuseExistingServer: false,
    },
    {
      // The organisation's identity provider for "Sign in with SSO": a real OpenID Connect provider.
      command: `npx tsx test/stand-ins/serve.ts oidc ${process.env.E2E_OIDC_PORT} ${baseURL}`,
      url: `${process.env.E2E_OIDC_ISSUER}/.well-known/openid-configuration`,
      timeout: 30_000,
      reuseExistingServer: false,
    },
    {
      // Duo's API over HTTPS, with the certificate made above.
      command: `npx tsx test/stand-ins/serve.ts duo ${process.env.E2E_DUO_PORT}`,
      url: `${process.env.E2E_DUO_URL}/_stand-in/health`,
      ignoreHTTPSErrors: true,
      timeout: 30_000,
      reuseExistingServer: false,
    },
    {
      // The production build, made by `npm test` before Playwright starts, served the way `npm start` serves it.
      // As an operator deploys: the schema brought up to date once, then the servers started (which refuse a schema behind).
      command: `npx tsx scripts/migrate.ts && node scripts/start.mjs -H 127.0.0.1 -p ${port}`,
      url: `${baseURL}/login`,
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
      env: appServerEnv,
    },
    {
      // A second instance of the same build on the same database (e2e/two-instances.spec.ts). Started after the
      // first, which has brought the database's schema up to date by the time it answers.
      command: `node scripts/start.mjs -H 127.0.0.1 -p ${process.env.E2E_SECOND_PORT}`,
      url: `${process.env.E2E_SECOND_BASE_URL}/login`,
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
      // Its own address: Next.js accepts a server action only from the origin APP_URL names.
      env: { ...appServerEnv, APP_URL: process.env.E2E_SECOND_BASE_URL },
    },
  ],
});
