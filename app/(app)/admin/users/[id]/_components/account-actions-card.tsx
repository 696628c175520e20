import { RowActionForm } from "@/components/row-action-form";
import {
  resetTwoFactorAction,
  setAccountDisabledAction,
  signOutEverywhereAction,
} from "@/app/(app)/admin/users/[id]/actions";
import { Card } from "@/components/ui/card";
import { RESET_REASON_MAX_LENGTH } from "@/lib/admin/reset-reason";
import type { AdminUserView } from "@/lib/data/admin-user-detail";

/** "Reset two-factor authentication", "Sign out everywhere" and "Disable account", for an actor who can manage the user. */
export function AccountActionsCard({ user, isOwnAccount }: { user: AdminUserView; isOwnAccount: boolean }) {
  return (
    <Card title="Account actions" id="account-actions">
      <div className="flex flex-wrap items-start gap-4 [&_form]:items-start">
        {/* An SSO user's second factor is the identity provider's: nothing here to reset. */}
        {user.ssoIssuer || isOwnAccount ? null : (
          <RowActionForm
            action={resetTwoFactorAction}
            fields={{ user: user.id }}
            label="Reset two-factor authentication"
            pendingLabel="Resetting…"
            confirmation={{
              title: `Reset two-factor authentication for ${user.name}?`,
              consequence:
                "This clears their authenticator, Duo, the sign-in codes they turned on, their recovery codes and remembered browsers, and signs them out everywhere, so they set up again.",
              confirmLabel: "Reset",
              reason: {
                label: "Reason",
                hint: "Why, and how you checked it was really them. Kept in the audit log and emailed to the user.",
                maxLength: RESET_REASON_MAX_LENGTH,
              },
            }}
          />
        )}
        <RowActionForm
          action={signOutEverywhereAction}
          fields={{ user: user.id }}
          label="Sign out everywhere"
          pendingLabel="Signing out…"
          confirmation={{
            title: `Sign ${user.name} out everywhere?`,
            consequence:
              "Every session they have open, in any browser, ends at its next request. They can sign in again.",
            confirmLabel: "Sign out",
          }}
        />
        {isOwnAccount ? null : (
          // One instance for both labels, so "The account is disabled…" stays on screen after the switch; only disabling asks first.
          <RowActionForm
            action={setAccountDisabledAction}
            fields={{ user: user.id, disabled: user.disabledAt ? "no" : "yes" }}
            label={user.disabledAt ? "Enable account" : "Disable account"}
            variant={user.disabledAt ? "secondary" : "danger"}
            pendingLabel="Saving…"
            confirmation={
              user.disabledAt
                ? undefined
                : {
                    title: `Disable ${user.name}’s account?`,
                    consequence:
                      "They are signed out everywhere and cannot sign in until the account is enabled again.",
                    confirmLabel: "Disable",
                  }
            }
          />
        )}
      </div>
      <p className="mt-4 text-xs text-slate-600">
        {user.ssoIssuer
          ? null
          : "Resetting clears the user’s authenticator, Duo, the sign-in codes they turned on, their recovery codes and remembered browsers and signs them out, so they set up again. "}
        Disabling an account signs it out and stops it signing in.
      </p>
    </Card>
  );
}
