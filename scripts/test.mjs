// Runs every suite (unit, then e2e against a fresh production build) and ends
// with one line totalling them: "N passed, N failed".
import { spawnSync } from "node:child_process";
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

fs.rmSync("test-results/unit.json", { force: true });
const unitStatus = run("npx", [
  "vitest",
  "run",
  "--reporter=default",
  "--reporter=json",
  "--outputFile=test-results/unit.json",
]);
const unit = readJson("test-results/unit.json");
passed += unit?.numPassedTests ?? 0;
failed += unit?.numFailedTests ?? 0;
if (unitStatus !== 0 || !unit) ok = false;

const buildStatus = run("npx", ["next", "build"]);
if (buildStatus !== 0) {
  ok = false;
  failed += 1;
  console.error("The production build failed, so the end-to-end tests could not run.");
} else {
  fs.rmSync("test-results/e2e.json", { force: true });
  const e2eStatus = run("npx", ["playwright", "test", "--reporter=list,json"], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: "test-results/e2e.json",
  });
  const e2e = readJson("test-results/e2e.json");
  passed += e2e?.stats?.expected ?? 0;
  failed += (e2e?.stats?.unexpected ?? 0) + (e2e?.stats?.flaky ?? 0);
  if (e2eStatus !== 0 || !e2e) ok = false;
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(ok && failed === 0 ? 0 : 1);
