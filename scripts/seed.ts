// `npm run db:seed`: applies migrations and creates the demo organisation if it is missing.
import { getDb } from "@/db";
import { formatDemoLogins, seedDemoOrganisation } from "@/db/seed";

async function main() {
  const logins = await seedDemoOrganisation(getDb());
  console.log(logins ? formatDemoLogins(logins) : "The demo organisation already exists; nothing to do.");
}

void main();
