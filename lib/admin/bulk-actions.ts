/* The bulk actions of /admin/users and the words for them; the runner is lib/data/admin-bulk-actions.ts. */

export const BULK_ACTIONS = ["require", "reset", "setupLink", "reminder", "signOut", "disable"] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

/** Those whose single-user versions need access confirmed in the last 15 minutes (formAction's `sensitive`). */
export const SENSITIVE_BULK_ACTIONS: readonly BulkAction[] = ["require", "reset", "setupLink", "disable"];

export const BULK_ACTION_LABELS: Record<BulkAction, string> = {
  require: "Require 2FA",
  reset: "Reset 2FA",
  setupLink: "Send setup links",
  reminder: "Send reminder",
  // Not plain "Sign out": that is the header's button (the admin's own), on this page too.
  signOut: "Sign out people",
  disable: "Disable",
};

/** The confirmation's question for `n` people ("Reset 2FA for 37 people?") and what going ahead does. */
export function bulkConfirmation(action: BulkAction, n: number): { title: string; consequence: string } {
  const people = `${n} ${n === 1 ? "person" : "people"}`;
  const words: Record<BulkAction, { title: string; consequence: string }> = {
    require: {
      title: `Require 2FA for ${people}?`,
      consequence: "Each must set up two-factor authentication, within the grace period if there is one.",
    },
    reset: {
      title: `Reset 2FA for ${people}?`,
      consequence:
        "Their methods and passkeys are removed and they are signed out everywhere. Each is told by email, with your reason.",
    },
    setupLink: {
      title: `Send setup links to ${people}?`,
      consequence: "Each gets an email with a link to set up an authenticator app; an earlier link stops working.",
    },
    reminder: {
      title: `Send a reminder to ${people}?`,
      consequence: "Those still to set up two-factor authentication get the grace-period reminder, at most once a day.",
    },
    signOut: {
      title: `Sign out ${people}?`,
      consequence: "Every session of theirs ends; they can sign in again.",
    },
    disable: {
      title: `Disable ${people}?`,
      consequence: "They are signed out and cannot sign in until an administrator enables them again.",
    },
  };
  return words[action];
}

export const BULK_SKIP_REASONS = {
  not_found: "not a user of your organisation",
  own_account: "your own account",
  outranks: "outranks you",
  /** Their rank changed during the run, after its own check: the action refused. */
  may_not_act: "you may not act on this person",
  api_account: "API account",
  already_required: "two-factor is already required",
  nothing_to_reset: "has no two-factor methods to reset",
  has_authenticator: "already has an authenticator app",
  setup_link_recent: "was sent a setup link in the last 10 minutes",
  has_two_factor: "already has two-factor",
  not_in_grace: "not waiting to set up two-factor",
  already_reminded: "already reminded today",
  already_disabled: "already disabled",
  undelivered: "the email could not be sent",
  refused: "not allowed",
} as const;
export type BulkSkipReason = keyof typeof BULK_SKIP_REASONS;
