import "server-only";
import { getDb } from "@/db";
import { refusalToActOnEveryone } from "@/lib/admin/delegated-change";
import { refuse } from "@/lib/flows/admin-change";
import { requirePermission } from "@/lib/auth/guards";

/**
 * Settings apply to everyone, so changing them acts on everyone: it needs
 * the rank to act on each member (lib/admin/delegation.ts), or a holder of
 * settings:manage alone could turn off the 2FA that administrators' roles
 * require, or sign them out. Kept out of the "use server" files, where an
 * exported function would itself become an endpoint.
 */
export async function requireSettingsAdmin(action: string) {
  const current = await requirePermission("settings:manage");
  const refusal = await refusalToActOnEveryone(getDb(), current.organisation.id, current.user.id);
  if (refusal) await refuse(current, action, refusal);
  return current;
}
