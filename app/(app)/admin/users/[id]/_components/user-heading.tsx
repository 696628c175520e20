import Link from "next/link";
import { Notice } from "@/components/ui/notice";
import type { AdminUserAbilities, AdminUserView } from "@/lib/data/admin-user-detail";
import { PERMISSION_LABELS } from "@/lib/auth/permissions";
import { LocalTime } from "@/components/ui/local-time";

/** The top of a user's admin page: who, and why the actor may not change what they see. */
export function UserHeading({ user, abilities }: { user: AdminUserView; abilities: AdminUserAbilities }) {
  const { holdsUsersManage, isOwnAccount, canManage } = abilities;
  return (
    <>
      <div>
        <Link href="/admin/users" className="text-sm font-medium text-brand-700 hover:underline">
          ← All users
        </Link>
        <h1 className="mt-2 text-2xl font-semibold tracking-tight text-slate-900">{user.name}</h1>
        <p className="mt-1 text-sm text-slate-600">
          {user.email} · {user.disabledAt ? "Account disabled · " : ""}
          {user.lastSignInAt ? (
            <>
              last signed in <LocalTime date={user.lastSignInAt} />
            </>
          ) : (
            "never signed in"
          )}
        </p>
      </div>
      {holdsUsersManage && isOwnAccount ? (
        <Notice>
          This is your own account. Another administrator changes your roles, groups and two-factor requirement; you
          manage your own two-factor authentication, password and sessions on{" "}
          <Link href="/profile" className="font-medium text-brand-700 underline">
            your profile
          </Link>
          .
        </Notice>
      ) : null}
      {holdsUsersManage && !canManage ? (
        <Notice>
          {user.name} holds permissions you do not (
          {abilities.missingPermissions.map((permission) => PERMISSION_LABELS[permission].toLowerCase()).join(", ")}),
          so only an administrator who holds them can change this account.
        </Notice>
      ) : null}
    </>
  );
}
