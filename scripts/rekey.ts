// `npm run keys:rekey`: re-encrypts every stored secret under the newest key
// in the ring, and says which older keys anything still depends on.
import { parseArgs } from "node:util";
import { getDb } from "@/db";
import { ConfigurationError, loadEncryptionKeys } from "@/lib/env";
import { createKeyRing, type KeyRing } from "@/lib/keys/key-ring";
import { rekeyStoredSecrets, type KeyDependency, type RekeyReport } from "@/lib/keys/rekey";

const USAGE = `Usage: npm run keys:rekey [-- --dry-run]

Re-encrypts every stored secret (Duo secret keys, authenticator-app secrets)
under the first key of the ring: APP_ENCRYPTION_KEYS (newest first), then
APP_ENCRYPTION_KEY. Running it twice changes nothing the second time.

Recovery codes and one-time codes are stored as keyed hashes, which cannot be
recomputed without the codes: the command counts how many still depend on
each older key, and says when a key can be removed from the ring.

Reads DATABASE_URL, APP_ENCRYPTION_KEYS and APP_ENCRYPTION_KEY like the
server. --dry-run reports without writing.`;

type ExitCode = 0 | 1;

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

function describeDependency(dependency: Omit<KeyDependency, "ciphertexts"> & { ciphertexts?: number }): string {
  const parts = [
    dependency.ciphertexts ? plural(dependency.ciphertexts, "encrypted secret") : null,
    dependency.recoveryCodes
      ? `${plural(dependency.recoveryCodes, "unused recovery code")} of ${plural(dependency.recoveryCodeUsers, "user")}`
      : null,
    dependency.oneTimeCodes ? plural(dependency.oneTimeCodes, "one-time code") + " still valid" : null,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(", ") : "nothing";
}

function print(report: RekeyReport, ring: KeyRing, write: boolean): void {
  const lines = ["Key ring, newest first:"];
  ring.keys.forEach((key, index) => {
    lines.push(
      `  ${index + 1}. key ${key.id} (${key.source})${key === ring.current ? ": new data is written under this key" : ""}`,
    );
  });
  lines.push(
    "",
    write ? `Encrypted secrets, now under key ${ring.current.id}:` : `Encrypted secrets (dry run: nothing written):`,
  );
  for (const column of report.columns) {
    const verb = write ? "re-encrypted" : "to re-encrypt";
    lines.push(
      `  ${column.name}: ${column.rekeyed} ${verb}, ${column.current} already current, ${column.total} in all`,
    );
    if (column.unreadable.length > 0) {
      lines.push(
        `    ${plural(column.unreadable.length, "row")} no key in the ring can read (ids ${column.unreadable.join(", ")}): left as they are`,
      );
    }
  }

  lines.push("", "Keyed hashes (they cannot be re-keyed without the codes, which are never stored):");
  for (const status of report.keys)
    lines.push(`  key ${status.key.id}: ${describeDependency({ ...status, ciphertexts: 0 })}`);
  const legacy = report.withoutKeyId;
  if (legacy.recoveryCodes + legacy.oneTimeCodes > 0) {
    lines.push(
      `  from before key ids (under whichever key was APP_ENCRYPTION_KEY then): ${describeDependency(legacy)}`,
    );
  }
  for (const unknown of report.unknownKeyIds) {
    lines.push(
      `  key ${unknown.keyId}, not in the ring: ${plural(unknown.hashes, "code")} that can no longer be checked. Put that key back in the ring, or those users sign in another way and make new recovery codes.`,
    );
  }

  const older = report.keys.filter((status) => !status.newest);
  lines.push("", older.length === 0 ? "The ring has one key: there is no older key to remove." : "Older keys:");
  for (const status of older) {
    const name = `key ${status.key.id} (${status.key.source})`;
    if (status.removable) {
      lines.push(`  ${name}: nothing depends on it any more. You can remove it from the ring.`);
    } else {
      const needs = describeDependency(status);
      const reasons = [needs === "nothing" ? null : `it is still needed by ${needs}`];
      if (legacy.recoveryCodes + legacy.oneTimeCodes > 0) reasons.push("hashes from before key ids may be under it");
      lines.push(`  ${name}: keep it: ${reasons.filter(Boolean).join("; ")}.`);
    }
  }
  if (older.some((status) => !status.removable)) {
    lines.push(
      "",
      "One-time codes expire within minutes. Recovery codes depend on their key until they are used or the user",
      "generates a new set; run this command again later to see what is left.",
    );
  }
  console.log(lines.join("\n"));
}

async function main(args: string[]): Promise<ExitCode> {
  let options: { "dry-run"?: boolean; help?: boolean };
  try {
    options = parseArgs({
      args,
      options: { "dry-run": { type: "boolean" }, help: { type: "boolean", short: "h" } },
      strict: true,
    }).values;
  } catch (error) {
    console.error(`keys:rekey: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 1;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  let ring: KeyRing;
  try {
    ring = createKeyRing(loadEncryptionKeys());
  } catch (error) {
    if (error instanceof ConfigurationError) {
      console.error(`keys:rekey: ${error.message} Nothing was changed.`);
      return 1;
    }
    throw error;
  }
  const write = !options["dry-run"];
  const report = await rekeyStoredSecrets(getDb(), ring, { write });
  print(report, ring, write);
  return report.columns.some((column) => column.unreadable.length > 0) ? 1 : 0;
}

// A CommonJS script (tsx): no top-level await.
void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
