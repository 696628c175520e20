// Runs every suite (unit, then e2e against a fresh production build: on SQLite,
// and again on PostgreSQL when TEST_POSTGRES_URL names a server) and ends with one line totalling them:
// "N passed, N failed".
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
fs.mkdirSync("test-results", { recursive: true });

function run(command, args, extraEnv = {}) {
  const result = spawnSync(command, args, { stdio: "inherit", env: { ...env, ...extraEnv } });
  return result.status ?? 1;
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

let passed = 0;
let failed = 0;
let ok = true;

/** One Playwright run of the whole suite, its output labelled and its totals added to the rest. */
function endToEnd(label, name, extraEnv) {
  console.log(`\n=== End-to-end tests on ${label} ===`);
  const output = `test-results/${name}.json`;
  fs.rmSync(output, { force: true });
  // Its own output folder: Playwright empties the folder it writes traces to when a run starts.
  const status = run("npx", ["playwright", "test", "--reporter=list,json", `--output=test-results/${name}`], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: output,
    ...extraEnv,
  });
  const report = readJson(output);
  const runPassed = report?.stats?.expected ?? 0;
  const runFailed = (report?.stats?.unexpected ?? 0) + (report?.stats?.flaky ?? 0);
  console.log(`=== End-to-end tests on ${label}: ${runPassed} passed, ${runFailed} failed ===`);
  passed += runPassed;
  failed += runFailed;
  if (status !== 0 || !report) ok = false;
}

/** A fresh, empty database on the server `adminUrl` names, and a way to drop it. */
async function createPostgresDatabase(adminUrl) {
  const { default: pg } = await import("pg");
  const name = `twofold_e2e_${crypto.randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Runs the unit tests once, on SQLite or (UNIT_DATABASE=postgres) on PostgreSQL, and counts them. */
function unitTests(label, name, extraEnv) {
  console.log(`\n=== Unit tests on ${label} ===`);
  fs.rmSync(`test-results/${name}.json`, { force: true });
  const status = run(
    "npx",
    ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile=test-results/${name}.json`],
    extraEnv,
  );
  const results = readJson(`test-results/${name}.json`);
  passed += results?.numPassedTests ?? 0;
  failed += results?.numFailedTests ?? 0;
  if (status !== 0 || !results) ok = false;
}

unitTests("SQLite", "unit", {});
// The same tests on PostgreSQL when a server is at hand (.ci/run starts one): each test gets a copy of a migrated template.
if (process.env.TEST_POSTGRES_URL) unitTests("PostgreSQL", "unit-postgres", { UNIT_DATABASE: "postgres" });

const buildStatus = run("npx", ["next", "build"]);
if (buildStatus !== 0) {
  ok = false;
  failed += 1;
  console.error("The production build failed, so the end-to-end tests could not run.");
} else {
  endToEnd("SQLite", "e2e", {});
  // The whole suite again on PostgreSQL whenever TEST_POSTGRES_URL names a server (.ci/run starts one) whose
  // role may create databases; each run gets a database of its own, dropped afterwards.
  // TWOFOLD_E2E_POSTGRES=0 skips it (unit tests still run on PostgreSQL), for a quicker run by hand.
  if (process.env.TEST_POSTGRES_URL && process.env.TWOFOLD_E2E_POSTGRES !== "0") {
    const database = await createPostgresDatabase(process.env.TEST_POSTGRES_URL);
    try {
      endToEnd("PostgreSQL", "e2e-postgres", { E2E_DATABASE_URL: database.url });
    } finally {
      await database.drop();
    }
  }
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(ok && failed === 0 ? 0 : 1);
