/*
 * `npm run screenshots`: the e2e set-up (a production build served on a fresh
 * temporary database, the providers' stand-ins) running one script that
 * photographs every page. Build first: `npx next build`.
 */
import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";
import e2e from "../playwright.config";

const root = path.resolve(__dirname, "..");
const servers = Array.isArray(e2e.webServer) ? e2e.webServer : e2e.webServer ? [e2e.webServer] : [];

export default defineConfig({
  ...e2e,
  testDir: __dirname,
  testMatch: "screenshots.spec.ts",
  workers: 1,
  timeout: 300_000,
  // Apart from e2e's test-results/, so a screenshot run and a test run can overlap.
  outputDir: path.join(os.tmpdir(), "twofold-screenshots-results"),
  // Playwright runs a server in its config's folder: these are the repository's commands.
  webServer: servers.map((server) => ({ ...server, cwd: root })),
});
