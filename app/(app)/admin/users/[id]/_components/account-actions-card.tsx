import type { ReactNode } from "react";
import { RowActionForm } from "@/components/row-action-form";
import { resetTwoFactorAction, setAccountDisabledAction } from "@/app/(app)/admin/users/[id]/actions";
import { RESET_REASON_MAX_LENGTH } from "@/lib/admin/reset-reason";
import type { AdminUserView } from "@/lib/data/admin-user-detail";

/** One destructive action: what it does on the left, its button on the right (below, on a phone). */
function DangerRow({ title, children, action }: { title: string; children: ReactNode; action: ReactNode }) {
  return (
    <li className="flex flex-col gap-3 py-4 first:pt-0 last:pb-0 sm:flex-row sm:items-start sm:justify-between">
      <div className="min-w-0">
        <p className="text-sm font-medium text-slate-900">{title}</p>
        <p className="mt-0.5 text-sm text-slate-600">{children}</p>
      </div>
      <div className="shrink-0 sm:max-w-64">{action}</div>
    </li>
  );
}

/**
 * The "Danger zone": what is hard to undo, together at the bottom of the page,
 * each behind a dialog. Only what can apply is offered: no reset for someone
 * who never joined (nothing to reset) or signs in with SSO (the identity
 * provider's), nothing on your own account (that is /profile's).
 */
export function AccountActionsCard({
  user,
  isOwnAccount,
  invited,
}: {
  user: AdminUserView;
  isOwnAccount: boolean;
  invited: boolean;
}) {
  const canReset = !user.ssoIssuer && !isOwnAccount && !invited && !user.isApiAccount;
  if (isOwnAccount) return null;
  return (
    <section aria-labelledby="account-actions-title" className="rounded-xl border border-red-200 bg-white shadow-sm">
      <header className="border-b border-red-100 px-5 py-4 sm:px-6">
        <h2 id="account-actions-title" className="text-base font-semibold text-red-800">
          Danger zone
        </h2>
      </header>
      <ul className="divide-y divide-slate-100 px-5 py-5 sm:px-6">
        {canReset ? (
          <DangerRow
            title="Reset two-factor authentication"
            action={
              <RowActionForm
                action={resetTwoFactorAction}
                fields={{ user: user.id }}
                label="Reset two-factor authentication"
                pendingLabel="Resetting…"
                variant="danger"
                className="flex flex-col items-start gap-2 sm:items-end"
                confirmation={{
                  title: `Reset two-factor authentication for ${user.name}?`,
                  consequence:
                    "This clears their authenticator, their passkeys and security keys, Duo, the sign-in codes they turned on, their recovery codes and remembered browsers, and signs them out everywhere, so they set up again.",
                  confirmLabel: "Reset",
                  reason: {
                    label: "Reason",
                    hint: "Why, and how you checked it was really them. Kept in the audit log and emailed to the user.",
                    maxLength: RESET_REASON_MAX_LENGTH,
                  },
                }}
              />
            }
          >
            Clears their authenticator, passkeys and security keys, Duo, the sign-in codes they turned on, their
            recovery codes and remembered browsers and signs them out, so they set up again. For someone who lost their
            phone.
          </DangerRow>
        ) : null}
        <DangerRow
          title={user.disabledAt ? "Account disabled" : "Disable account"}
          action={
            // One instance for both labels, so "The account is disabled…" stays on screen after the switch.
            // Both ways ask first: the button changes under the pointer, so a second click must not undo the first.
            <RowActionForm
              action={setAccountDisabledAction}
              fields={{ user: user.id, disabled: user.disabledAt ? "no" : "yes" }}
              label={user.disabledAt ? "Enable account" : "Disable account"}
              variant={user.disabledAt ? "secondary" : "danger"}
              pendingLabel="Saving…"
              className="flex flex-col items-start gap-2 sm:items-end"
              confirmation={
                user.disabledAt
                  ? {
                      title: `Enable ${user.name}’s account?`,
                      consequence: "They can sign in again with their password and second factor.",
                      confirmLabel: "Enable",
                    }
                  : {
                      title: `Disable ${user.name}’s account?`,
                      consequence:
                        "They are signed out everywhere and cannot sign in until the account is enabled again.",
                      confirmLabel: "Disable",
                    }
              }
            />
          }
        >
          {user.disabledAt
            ? "They cannot sign in and their API tokens open nothing until it is enabled again."
            : "Signs them out everywhere and stops them signing in, and their API tokens stop working. Nothing is deleted."}
        </DangerRow>
      </ul>
    </section>
  );
}
