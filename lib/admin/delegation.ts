import { PERMISSIONS, type Permission } from "@/db/schema";

/*
 * Who may grant what, and act on whom: the one source of these rules. Pure,
 * so that a table of actors and targets tests them (delegation.test.ts); the
 * database side (lib/admin/delegated-change.ts) gathers the permission sets
 * they compare.
 *
 * OWASP ASVS 5.0 V8.2 (authorization at the function and data level) and
 * V8.3 (privilege changes): an administrator's power is the set of
 * permissions they hold, never more; "is an admin" decides nothing.
 */

export type PermissionSet = ReadonlySet<Permission>;

export type RefusalReason =
  /** The actor tried something on their own account that only /profile may do. */
  | "own_account"
  /** The target holds a permission the actor lacks. */
  | "above_rank"
  /** The change would give someone (or a role or group) a permission the actor lacks. */
  | "exceeds_grant";

export type Refusal = { reason: RefusalReason; message: string };

/** The permissions in `subject` that `actor` lacks, in the catalogue's order. */
export function missingPermissions(actor: PermissionSet, subject: Iterable<Permission>): Permission[] {
  const wanted = new Set(subject);
  return PERMISSIONS.filter((permission) => wanted.has(permission) && !actor.has(permission));
}

/** Holds every permission there is: the kind of account the organisation must always keep one of. */
export function isFullAdministrator(permissions: PermissionSet): boolean {
  return PERMISSIONS.every((permission) => permissions.has(permission));
}

/**
 * Act only at or below your rank: an actor may change, disable, reset, sign
 * out or otherwise act on a user whose permissions are all the actor's too.
 * Equal is allowed, so two full administrators can help each other.
 */
export function mayActOn(actor: PermissionSet, target: PermissionSet): Refusal | null {
  if (missingPermissions(actor, target).length === 0) return null;
  return {
    reason: "above_rank",
    message: "This person holds permissions you do not, so you cannot change their account.",
  };
}

/**
 * Account changes an administrator may not make to their own account from
 * the admin pages: they belong on /profile, behind the password and a code.
 */
export const OWN_ACCOUNT_REFUSAL: Refusal = {
  reason: "own_account",
  message:
    "You cannot change your own access or two-factor authentication here. Manage your own account on your profile.",
};

export type AccessChange = {
  /** The actor's permissions, read when the change is made. */
  actor: PermissionSet;
  /** Everything the affected people held before the change, together. */
  affectedBefore: PermissionSet;
  /** Everything they hold after it, together. */
  affectedAfter: PermissionSet;
  /** What the changed role or group carries afterwards, whoever holds it now. */
  carried?: PermissionSet;
};

/**
 * Grant only what you hold, and only to people at or below your rank: a
 * change of roles, groups or memberships is allowed when everyone it affects
 * was within the actor's permissions before and still is after, and the role
 * or group it edits carries nothing the actor lacks (it may be given to
 * someone later). Comparing unions is the same as comparing each person.
 */
export function mayChangeAccess(change: AccessChange): Refusal | null {
  if (missingPermissions(change.actor, change.affectedBefore).length > 0) {
    return {
      reason: "above_rank",
      message: "This affects people who hold permissions you do not, so you cannot make this change.",
    };
  }
  const exceeding = missingPermissions(change.actor, [...change.affectedAfter, ...(change.carried ?? [])]);
  if (exceeding.length > 0) {
    return { reason: "exceeds_grant", message: "You can only give permissions you hold yourself." };
  }
  return null;
}
