// `npm run admin:create -- --email you@example.com --organisation "Acme"`: creates a
// production organisation and its first administrator, and prints their setup link.
import { parseArgs } from "node:util";
import { getDb } from "@/db";
import { normaliseEmail } from "@/lib/auth/password-sign-in";
import { appUrlFrom } from "@/lib/app-address";
import { ConfigurationError, loadAppAddressSettings, type AppAddressSettings } from "@/lib/env";
import { formatDateTime } from "@/lib/format";
import { invitationLinkPath } from "@/lib/invitations/invitations";
import { bootstrapAdministrator, bootstrapAdministratorSchema } from "@/lib/organisations/bootstrap-administrator";

const USAGE = `Usage: npm run admin:create -- --email you@example.com --organisation "Acme"

Creates the organisation, its built-in Administrator role (which requires
two-factor authentication) and its administrator, an account without a
password, then prints a link that works once, for 24 hours, where the
administrator chooses their name and password. Reads DATABASE_URL and
APP_URL from the environment, like the server.`;

type ExitCode = 0 | 1;

function refuse(message: string, { usage = false } = {}): ExitCode {
  console.error(`admin:create: ${message}`);
  if (usage) console.error(`\n${USAGE}`);
  return 1;
}

function readOptions(args: string[]) {
  return parseArgs({
    args,
    options: { email: { type: "string" }, organisation: { type: "string" }, help: { type: "boolean", short: "h" } },
    strict: true,
    allowPositionals: false,
  }).values;
}

/** The settings links are built from, checked before anything is written: an administrator whose link cannot be printed could never sign in. */
function linkSettings(): AppAddressSettings {
  const settings = loadAppAddressSettings();
  appUrlFrom(settings, "/");
  return settings;
}

async function main(args: string[]): Promise<ExitCode> {
  let options: ReturnType<typeof readOptions>;
  try {
    options = readOptions(args);
  } catch (error) {
    return refuse(error instanceof Error ? error.message : String(error), { usage: true });
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  const parsed = bootstrapAdministratorSchema.safeParse(options);
  if (!parsed.success)
    return refuse(parsed.error.issues.map((issue) => issue.message).join("\nadmin:create: "), { usage: true });

  let settings: AppAddressSettings;
  try {
    settings = linkSettings();
  } catch (error) {
    if (error instanceof ConfigurationError) return refuse(`${error.message} Nothing was changed.`);
    throw error;
  }

  const { email, organisation } = parsed.data;
  const result = await bootstrapAdministrator(getDb(), { email, organisationName: organisation });
  if (!result.ok) {
    return refuse(
      result.reason === "email_taken"
        ? `${normaliseEmail(email)} already has an account. Nothing was changed.`
        : `An organisation named "${organisation}" already exists. Nothing was changed.`,
    );
  }

  if (!settings.APP_URL) {
    console.error(
      `admin:create: APP_URL is not set, so the link below starts with ${appUrlFrom(settings, "/")}; set APP_URL to the address people use.`,
    );
  }
  console.log(
    [
      `Created the organisation "${result.organisation.name}" and its administrator ${result.email}.`,
      "",
      "To finish, open this link and choose a name and a password:",
      "",
      `  ${appUrlFrom(settings, invitationLinkPath(result.token))}`,
      "",
      `It works once, until ${formatDateTime(result.expiresAt)}. The Administrator role requires two-factor`,
      "authentication: after the password, Twofold asks for a second factor (with the default settings, a code",
      "emailed to that address) before anything else. No password was chosen or stored by this command.",
    ].join("\n"),
  );
  return 0;
}

// A CommonJS script (tsx): no top-level await.
void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
