import type { ReactNode } from "react";
import { Card } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import type { AdminUserView } from "@/lib/data/admin-user-detail";

/** Who the user is and whether they can sign in: the facts at the top of their page. */
export function DetailsCard({
  user,
  invited,
  children,
}: {
  user: AdminUserView;
  /** Invited and not joined yet. */
  invited: boolean;
  children?: ReactNode;
}) {
  return (
    <Card title="Details" id="details">
      <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-[max-content_1fr]">
        <dt className="font-medium text-slate-700">Name</dt>
        <dd className="text-slate-900">{user.name}</dd>
        <dt className="font-medium text-slate-700">Email</dt>
        <dd className="break-all text-slate-900">{user.email}</dd>
        <dt className="font-medium text-slate-700">Status</dt>
        <dd className="text-slate-900">
          {user.disabledAt ? (
            <>
              Disabled since <LocalTime date={user.disabledAt} />: cannot sign in
            </>
          ) : invited ? (
            "Invited: has not accepted the invitation yet"
          ) : (
            "Active"
          )}
        </dd>
        <dt className="font-medium text-slate-700">{user.isApiAccount ? "Last API use" : "Last sign-in"}</dt>
        <dd className="text-slate-900">
          {user.isApiAccount ? (
            "See the tokens below"
          ) : user.lastSignInAt ? (
            <LocalTime date={user.lastSignInAt} />
          ) : (
            "Never"
          )}
        </dd>
        <dt className="font-medium text-slate-700">Signs in with</dt>
        <dd className="text-slate-900">
          {user.ssoIssuer
            ? `SSO through ${user.ssoIssuer}: no password here, and the identity provider asks for the second factor`
            : user.isApiAccount
              ? "API tokens only: never this web interface"
              : "Email and password"}
        </dd>
      </dl>
      {children ? <div className="mt-6 border-t border-slate-100 pt-5">{children}</div> : null}
    </Card>
  );
}
