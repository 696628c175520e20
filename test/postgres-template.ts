import pg from "pg";
import { migratePostgres } from "@/db/postgres";
import { databaseUrl, postgresTemplate, runPrefix } from "./postgres";

/** Vitest's global setup on PostgreSQL: one migrated template, and afterwards every database of this run dropped. */
export default async function setup(): Promise<() => Promise<void>> {
  const adminUrl = process.env.TEST_POSTGRES_URL!;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const dropAll = async () => {
    const { rows } = await admin.query<{ datname: string }>(
      "select datname from pg_database where starts_with(datname, $1)",
      [runPrefix()],
    );
    for (const { datname } of rows) await admin.query(`drop database if exists ${datname} with (force)`);
  };
  await dropAll();
  await admin.query(`create database ${postgresTemplate()}`);
  await migratePostgres(databaseUrl(adminUrl, postgresTemplate()));
  return async () => {
    await dropAll();
    await admin.end();
  };
}
