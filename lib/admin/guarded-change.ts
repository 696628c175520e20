import { getDb, type Executor } from "@/db";
import type { FormState } from "@/lib/action";
import { keepingAnAdministrator, LastAdministratorError } from "@/lib/admin/user-admin";

/**
 * Runs an admin's change in a transaction that is undone if it would leave the
 * organisation without an administrator; returns the message to show then.
 */
export function changeKeepingAnAdministrator(organisationId: number, change: (tx: Executor) => unknown): FormState | null {
  try {
    keepingAnAdministrator(getDb(), organisationId, change);
    return null;
  } catch (error) {
    if (error instanceof LastAdministratorError) return { status: "error", message: error.message };
    throw error;
  }
}
