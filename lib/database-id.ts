import { z } from "zod";

/*
 * The ids a client may send us. Every id column is a 32-bit signed integer
 * on PostgreSQL (serial): a larger number in a query is not "not found" but
 * an error ("value out of range for type integer"), so a forged id of
 * 3000000000 would answer 500 where SQLite answers 404. Bounding ids where
 * they are read keeps bad input a 4xx on both (ASVS 5.0 V2.2.1: input is
 * validated against its expected range).
 */

/** The largest id a table holds: PostgreSQL's `integer`. */
export const MAX_DATABASE_ID = 2 ** 31 - 1;

/** A row id from a form, an address or a query string: a whole number from 1 to MAX_DATABASE_ID. */
export function databaseId(error?: string) {
  return z.coerce.number({ error }).int({ error }).positive({ error }).max(MAX_DATABASE_ID, { error });
}

/** The same rule for a number already parsed. */
export function isDatabaseId(value: number): boolean {
  return Number.isInteger(value) && value > 0 && value <= MAX_DATABASE_ID;
}
