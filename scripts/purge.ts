// `npm run db:purge`: deletes the data Twofold no longer needs (lib/retention/purge.ts), as the server does every hour, and prints how much.
import { getDb } from "@/db";
import { formatPurgeCounts, purgeExpiredData } from "@/lib/retention/purge";

// A CommonJS script (tsx): no top-level await.
void purgeExpiredData(getDb(), new Date()).then((counts) => {
  for (const [kind, count] of Object.entries(counts)) console.log(`${kind.padEnd(18)} ${count}`);
  console.log(`Removed: ${formatPurgeCounts(counts)}.`);
});
