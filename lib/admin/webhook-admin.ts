import "server-only";
import { requireSettingsAdmin } from "@/lib/admin/settings-admin";
import { requirePermission, type CurrentSession } from "@/lib/auth/guards";

/*
 * A webhook streams every audit event of the organisation to a URL of the
 * administrator's choosing, so managing webhooks is reading the audit log:
 * it needs audit:read as well as settings:manage (nobody may grant
 * themselves more than they hold; OWASP ASVS 5.0 V8.2.1), and, like every
 * organisation setting, the rank to act on everyone (requireSettingsAdmin).
 */

/** Pages: settings:manage and audit:read. */
export async function requireWebhookViewer(): Promise<CurrentSession> {
  await requirePermission("audit:read");
  return await requirePermission("settings:manage");
}

/** Actions: audit:read, and requireSettingsAdmin (settings:manage and the rank to act on everyone). */
export async function requireWebhookAdmin(action: string): Promise<CurrentSession> {
  await requirePermission("audit:read");
  return await requireSettingsAdmin(action);
}
