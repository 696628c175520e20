import type { Db } from "@/db";
import { schemaStatus } from "@/db/schema-status";
import { ConfigurationError } from "@/lib/env";

/**
 * Production does not migrate at start (several instances would race);
 * `npm run db:migrate` does, once per deployment. A server started on an
 * older schema would fail on its first query of a new column: stop it now.
 */
export async function refuseOutdatedSchema(db: Db): Promise<void> {
  const { current, pending } = await schemaStatus(db);
  if (current) return;
  throw new ConfigurationError(
    `The database schema is behind this build (${pending} migration(s) not applied). Run \`npm run db:migrate\`, then start again.`,
  );
}
