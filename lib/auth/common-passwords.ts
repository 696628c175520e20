import "server-only";
import { readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "@/lib/auth/password-policy";

/*
 * NIST SP 800-63B-4 §3.1.1.2 and OWASP ASVS 5.0 V6.2.4: new passwords are
 * compared against a list of commonly used and breached passwords, offline.
 * The list (lib/auth/data/README.md says where it comes from) has 437,651
 * entries; only those the length rule does not refuse already are kept in
 * memory (about 12,000 strings), read once, on the first check.
 */
const LIST_PATH = path.join(process.cwd(), "lib", "auth", "data", "common-passwords.txt.gz");

let commonPasswords: Set<string> | null = null;

function loadCommonPasswords(): Set<string> {
  const entries = gunzipSync(readFileSync(LIST_PATH)).toString("utf8").split("\n");
  const kept = new Set<string>();
  for (const entry of entries) {
    const password = entry.trim();
    if (password.length >= PASSWORD_MIN_LENGTH && password.length <= PASSWORD_MAX_LENGTH)
      kept.add(password.toLowerCase());
  }
  return kept;
}

/** Whether the password is on the list, ignoring case ("PASSWORD1234" is as guessable as "password1234"). */
export function isCommonPassword(password: string): boolean {
  commonPasswords ??= loadCommonPasswords();
  return commonPasswords.has(password.toLowerCase());
}
