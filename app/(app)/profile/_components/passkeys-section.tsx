import { PasskeyRenameForm } from "@/app/(app)/profile/_components/passkey-rename-form";
import {
  finishPasskeyRegistrationAction,
  removePasskeyAction,
  startPasskeyRegistrationAction,
} from "@/app/(app)/profile/passkey-actions";
import { PasskeyAddForm } from "@/components/passkey-add-form";
import { RowActionForm } from "@/components/row-action-form";
import { Card } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import type { OwnPasskeys } from "@/lib/data/profile-passkeys";
import { MAX_PASSKEYS_PER_USER } from "@/lib/webauthn/passkeys";

/**
 * "Passkeys and security keys": the user's passkeys, each with its kind, when
 * it was added and last used, "Rename" and "Remove"; and "Add a passkey".
 * Adding and removing ask for a fresh confirmation of access.
 */
export function PasskeysSection({ passkeys: own }: { passkeys: OwnPasskeys }) {
  const { allowed, passkeys } = own;
  return (
    <Card
      title="Passkeys and security keys"
      id="passkeys"
      description="Sign in with your fingerprint, face, screen lock or a security key. A passkey only works on this site, so a fake sign-in page cannot use it."
    >
      <div className="space-y-6">
        {passkeys.length === 0 ? (
          <p className="text-sm text-slate-600">You have no passkeys yet.</p>
        ) : (
          <ul className="divide-y divide-slate-100 sm:rounded-lg sm:border sm:border-slate-200 sm:px-4">
            {passkeys.map((passkey) => (
              <li key={passkey.id} className="flex flex-wrap items-start justify-between gap-3 py-3">
                <div className="min-w-0">
                  <h3 className="text-sm font-semibold break-words text-slate-900">{passkey.name}</h3>
                  <p className="text-xs text-slate-600">
                    {passkey.synced ? "Synced passkey" : "Security key or device-bound passkey"}
                  </p>
                  <p className="text-xs text-slate-600">
                    Added <LocalTime date={passkey.createdAt} /> · last used{" "}
                    {passkey.lastUsedAt ? <LocalTime date={passkey.lastUsedAt} /> : "Never"}
                  </p>
                </div>
                <div className="flex flex-wrap items-start gap-2">
                  <PasskeyRenameForm passkeyId={passkey.id} name={passkey.name} />
                  <RowActionForm
                    action={removePasskeyAction}
                    fields={{ passkey: passkey.id }}
                    label="Remove"
                    accessibleName={`Remove ${passkey.name}`}
                    pendingLabel="Removing…"
                    confirmation={{
                      title: `Remove the passkey “${passkey.name}”?`,
                      consequence:
                        "It will no longer sign you in. To use it again, you would add it again from this page.",
                      confirmLabel: "Remove",
                    }}
                  />
                </div>
              </li>
            ))}
          </ul>
        )}
        {!allowed ? (
          <p className="text-sm text-slate-600">
            Your organisation does not allow passkeys or security keys
            {passkeys.length > 0 ? ": the ones above cannot be used to sign in." : "."}
          </p>
        ) : passkeys.length >= MAX_PASSKEYS_PER_USER ? (
          <p className="text-sm text-slate-600">
            You have {MAX_PASSKEYS_PER_USER} passkeys, the most an account can have.
          </p>
        ) : (
          <PasskeyAddForm startAction={startPasskeyRegistrationAction} finishAction={finishPasskeyRegistrationAction} />
        )}
      </div>
    </Card>
  );
}
