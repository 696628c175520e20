import { removeUserPasskeyAction } from "@/app/(app)/admin/users/[id]/passkey-actions";
import { RowActionForm } from "@/components/row-action-form";
import { LocalTime } from "@/components/ui/local-time";
import { PASSKEY_KIND_LABELS, type PasskeyView } from "@/lib/admin/user-passkeys";

/**
 * The user's passkeys and security keys; with `canRemove`, a "Remove" on
 * each (a lost device), asked first, since only the user can add one back.
 */
export function UserPasskeysTable({
  user,
  passkeys,
  canRemove,
}: {
  user: { id: number; name: string };
  passkeys: PasskeyView[];
  canRemove: boolean;
}) {
  if (passkeys.length === 0)
    return <p className="text-sm text-slate-600">The user has not added a passkey or security key.</p>;
  return (
    <div className="overflow-x-auto [contain:inline-size]">
      <table className="min-w-full text-left text-sm">
        <caption className="sr-only">The user’s passkeys and security keys</caption>
        <thead className="text-slate-700">
          <tr>
            <th scope="col" className="py-2 pr-4 font-semibold">
              Name
            </th>
            <th scope="col" className="py-2 pr-4 font-semibold">
              Kind
            </th>
            <th scope="col" className="py-2 pr-4 font-semibold">
              Added
            </th>
            <th scope="col" className="py-2 pr-4 font-semibold">
              Last used
            </th>
            {canRemove ? (
              <th scope="col" className="py-2 font-semibold">
                <span className="sr-only">Actions</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 align-top">
          {passkeys.map((passkey) => (
            <tr key={passkey.id}>
              <th scope="row" className="py-2 pr-4 font-medium break-words text-slate-900">
                {passkey.name}
              </th>
              <td className="py-2 pr-4 text-slate-700">{PASSKEY_KIND_LABELS[passkey.kind]}</td>
              <td className="py-2 pr-4 text-slate-700">
                <LocalTime date={passkey.createdAt} />
              </td>
              <td className="py-2 pr-4 text-slate-700">
                {passkey.lastUsedAt ? <LocalTime date={passkey.lastUsedAt} /> : "Never"}
              </td>
              {canRemove ? (
                <td className="py-2">
                  <RowActionForm
                    action={removeUserPasskeyAction}
                    fields={{ user: user.id, passkey: passkey.id }}
                    label="Remove"
                    accessibleName={`Remove passkey ${passkey.name}`}
                    pendingLabel="Removing…"
                    variant="danger"
                    confirmation={{
                      title: `Remove the passkey “${passkey.name}” of ${user.name}?`,
                      consequence:
                        "It stops signing them in at once. Only they can add a passkey again; they are told by email.",
                      confirmLabel: "Remove",
                    }}
                  />
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
