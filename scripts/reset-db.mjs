// `npm run db:reset`: deletes the local database so the next start creates and seeds it afresh.
import fs from "node:fs";
import path from "node:path";

const url = process.env.DATABASE_URL || "file:./data/twofold.db";
const file = path.resolve(url.replace(/^file:/, ""));
for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(file + suffix, { force: true });
console.log(`Deleted ${file}. Start the app (npm run dev) to create and seed it again.`);
