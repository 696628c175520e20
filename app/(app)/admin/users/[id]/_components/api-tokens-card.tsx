import { RowActionForm } from "@/components/row-action-form";
import { revokeApiTokenAction } from "@/app/(app)/admin/users/[id]/api-token-actions";
import { ApiTokenCreateForm } from "@/app/(app)/admin/users/[id]/_components/api-token-create-form";
import { Card } from "@/components/ui/card";
import { isExpired, type ApiTokenListItem } from "@/lib/api/tokens";
import { LocalTime } from "@/components/ui/local-time";

/**
 * The "API tokens" section of an API account's admin page: create (shown
 * once), list, revoke. Not shown for anyone else, unless they kept tokens from
 * when they were an API account: those can still be revoked.
 */
export function ApiTokensCard({
  user,
  tokens,
}: {
  user: { id: number; isApiAccount: boolean };
  tokens: ApiTokenListItem[];
}) {
  if (!user.isApiAccount && tokens.length === 0) return null;
  return (
    <Card
      title="API tokens"
      id="api-tokens"
      description="Programs send a token as “Authorization: Bearer <token>” to call /api/v1 as this account."
    >
      <div className="space-y-6">
        {user.isApiAccount ? (
          <ApiTokenCreateForm userId={user.id} />
        ) : (
          <p className="text-sm text-slate-600">
            These tokens open nothing while this user is not an API account. Revoke the ones no longer needed.
          </p>
        )}
        {user.isApiAccount && tokens.length === 0 ? <p className="text-sm text-slate-600">No tokens yet.</p> : null}
        {tokens.length > 0 ? <ApiTokensTable userId={user.id} tokens={tokens} /> : null}
      </div>
    </Card>
  );
}

function ApiTokensTable({ userId, tokens }: { userId: number; tokens: ApiTokenListItem[] }) {
  const now = new Date();
  return (
    // Scrolls inside its own box; the containment keeps the table from widening the page on a phone.
    <div className="overflow-x-auto [contain:inline-size]">
      <table className="w-full min-w-[36rem] text-left text-sm">
        <caption className="sr-only">API tokens of this user</caption>
        <thead className="border-b border-slate-200 text-xs text-slate-600 uppercase">
          <tr>
            <th scope="col" className="py-2 pr-4 font-medium">
              Name
            </th>
            <th scope="col" className="py-2 pr-4 font-medium">
              Starts with
            </th>
            <th scope="col" className="py-2 pr-4 font-medium">
              Created
            </th>
            <th scope="col" className="py-2 pr-4 font-medium">
              Last used
            </th>
            <th scope="col" className="py-2 pr-4 font-medium">
              Expires
            </th>
            <th scope="col" className="py-2 font-medium">
              <span className="sr-only">Status or action</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {tokens.map((token) => {
            const expired = isExpired(token.expiresAt, now);
            return (
              <tr key={token.id} className={token.revokedAt || expired ? "text-slate-500" : "text-slate-900"}>
                <td className="py-2 pr-4 font-medium">{token.name}</td>
                <td className="py-2 pr-4 font-mono">{token.hint}…</td>
                <td className="py-2 pr-4">
                  <LocalTime date={token.createdAt} />
                </td>
                <td className="py-2 pr-4">{token.lastUsedAt ? <LocalTime date={token.lastUsedAt} /> : "Never"}</td>
                <td className="py-2 pr-4">
                  {token.expiresAt === null ? (
                    "Never"
                  ) : expired ? (
                    <span className="font-medium text-red-800">Expired</span>
                  ) : (
                    <LocalTime date={token.expiresAt} />
                  )}
                </td>
                <td className="py-2 text-right">
                  {token.revokedAt ? (
                    <span>
                      Revoked <LocalTime date={token.revokedAt} />
                    </span>
                  ) : (
                    <RowActionForm
                      action={revokeApiTokenAction}
                      fields={{ user: userId, token: token.id }}
                      label="Revoke"
                      accessibleName={`Revoke ${token.name}`}
                      pendingLabel="Revoking…"
                      variant="danger"
                      confirmation={{
                        title: `Revoke the token “${token.name}”?`,
                        consequence: "Programs that use it are refused from their next request. This cannot be undone.",
                        confirmLabel: "Revoke",
                      }}
                    />
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
