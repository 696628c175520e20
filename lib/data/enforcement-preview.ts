import "server-only";
import { getDb } from "@/db";
import type { TwoFactorPolicy } from "@/db/schema";
import { findRole } from "@/lib/admin/access-model";
import { enforcementPreview, type EnforcementPreview } from "@/lib/admin/enforcement-preview";
import { getCurrentPermissions, type CurrentSession } from "@/lib/auth/guards";
import { enforcementPreviewSentences } from "@/lib/messages";
import { userFilterParams, type UserFilters } from "@/lib/admin/user-filters";
import { changeAsActor } from "@/lib/flows/admin-change";
import { formatDateTime } from "@/lib/format";

/*
 * The confirmation's preview, for the actor's own organisation (the caller's
 * guard has checked the same permission as the change itself). What the
 * browser gets is words and names, never rows: names and the link to the
 * users list only for someone who may read users, as on a role's page.
 */

export type PreviewView = {
  required: string[];
  losing: string;
  /** When apps would no longer be allowed: who keeps theirs (null otherwise). */
  keeping: string | null;
  /** The first names of those losing a method (empty without users:read). */
  names: string[];
  /** How many more lose one than are named. */
  moreNames: number;
  exempt: string;
  /** The users list filtered to who has no second factor today, for someone who may read it. */
  usersLink: string | null;
};

async function view(
  current: CurrentSession,
  preview: EnforcementPreview,
  filters: UserFilters,
  timeZone: string,
): Promise<PreviewView> {
  const mayReadUsers = (await getCurrentPermissions(current.user.id)).has("users:read");
  const sentences = enforcementPreviewSentences(
    preview,
    preview.graceUntil ? formatDateTime(preview.graceUntil, timeZone) : null,
  );
  const names = mayReadUsers ? preview.losingNames : [];
  return {
    ...sentences,
    names,
    moreNames: names.length > 0 ? preview.losingMethod - names.length : 0,
    usersLink:
      mayReadUsers && preview.newlyRequiredWithoutFactor > 0
        ? `/admin/users?${userFilterParams({ ...filters, state: "optional_without" })}`
        : null,
  };
}

export type ProposedSettings = {
  twoFactorPolicy: TwoFactorPolicy;
  allowTotp: boolean;
  allowCode: boolean;
  allowDuo: boolean;
  allowPasskey: boolean;
  twoFactorGraceDays: number;
};

export async function previewSettingsChange(
  current: CurrentSession,
  proposed: ProposedSettings,
  timeZone: string,
): Promise<PreviewView | null> {
  const preview = await enforcementPreview(getDb(), current.organisation.id, {
    organisation: {
      policy: proposed.twoFactorPolicy,
      allowTotp: proposed.allowTotp,
      allowCode: proposed.allowCode,
      allowDuo: proposed.allowDuo,
      allowPasskey: proposed.allowPasskey,
      graceDays: proposed.twoFactorGraceDays,
    },
  });
  return preview ? await view(current, preview, {}, timeZone) : null;
}

/** Null for a role that is not of the actor's organisation (ASVS 5.0 V8.2.2), like one that does not exist. */
export async function previewRoleChange(
  current: CurrentSession,
  proposed: { roleId: number; requireTwoFactor: boolean; requirePhishingResistant: boolean },
  timeZone: string,
): Promise<PreviewView | null> {
  const db = getDb();
  const role = await findRole(db, current.organisation.id, proposed.roleId);
  if (!role) return null;
  // The save's own rank rule, asked with nothing changed: a role carrying more than the actor holds is theirs
  // neither to change nor to preview (refused with a 403 and audited, like a forged save).
  const mayEdit = await changeAsActor(current, "role.update", {
    affected: { roleId: role.id },
    edited: { roleId: role.id },
    change: async () => undefined,
  });
  if (!mayEdit.ok) return null;
  const preview = await enforcementPreview(db, current.organisation.id, {
    role: {
      roleId: role.id,
      // Phishing-resistant implies required, as the save stores it.
      requireTwoFactor: proposed.requireTwoFactor || proposed.requirePhishingResistant,
      requirePhishingResistant: proposed.requirePhishingResistant,
    },
  });
  return preview ? await view(current, preview, { role: role.id }, timeZone) : null;
}
