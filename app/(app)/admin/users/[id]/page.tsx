import { RowActionForm } from "@/components/row-action-form";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { endUserSessionAction, resetTwoFactorAction, setAccountDisabledAction, signOutEverywhereAction } from "@/app/(app)/admin/users/[id]/actions";
import { PasswordResetCard } from "@/app/(app)/admin/users/[id]/_components/password-reset-card";
import { RecentSignIns } from "@/app/(app)/admin/users/[id]/_components/recent-sign-ins";
import { RecoveryRequestCard } from "@/app/(app)/admin/users/[id]/_components/recovery-request-card";
import { RESET_REASON_MAX_LENGTH } from "@/lib/admin/reset-reason";
import { AdminUserForm } from "@/app/(app)/admin/users/[id]/_components/admin-user-form";
import { ApiTokensCard } from "@/app/(app)/admin/users/[id]/_components/api-tokens-card";
import { InvitationStatus } from "@/app/(app)/admin/users/[id]/_components/invitation-status";
import { SecondFactorLockCard } from "@/app/(app)/admin/users/[id]/_components/second-factor-lock-card";
import { SessionList } from "@/components/session-list";
import { SetupLinkCard } from "@/app/(app)/admin/users/[id]/_components/setup-link-card";
import { UserFactorsTable } from "@/app/(app)/admin/users/[id]/_components/user-factors-table";
import { Card } from "@/components/ui/card";
import { Notice } from "@/components/ui/notice";
import { getDb } from "@/db";
import { accessReach } from "@/lib/admin/delegated-change";
import { missingPermissions } from "@/lib/admin/delegation";
import { requirementLabel } from "@/lib/admin/labels";
import { factorsOfUser } from "@/lib/admin/user-factors";
import { findUserInOrganisation, rolesAndGroupsOf } from "@/lib/admin/user-admin";
import { listApiTokens } from "@/lib/api/tokens";
import { getCurrentPermissions, requirePermission } from "@/lib/auth/guards";
import { PERMISSION_LABELS } from "@/lib/auth/permissions";
import { listSessionsOfUser } from "@/lib/auth/sessions";
import { formatDateTime, formatPhone } from "@/lib/format";
import { maskDestination, planSecondFactorDelivery } from "@/lib/two-factor/sent-codes/delivery";
import { secondFactorLock } from "@/lib/two-factor/sign-in/factor-lock";
import { METHOD_LABELS } from "@/lib/two-factor/policy/methods";
import { twoFactorStateOfUser } from "@/lib/two-factor/policy/user-state";

export const metadata: Metadata = { title: "User" };

export default async function AdminUserPage({ params }: { params: Promise<{ id: string }> }) {
  const current = await requirePermission("users:read");
  const id = z.coerce.number().int().positive().safeParse((await params).id);
  const db = getDb();
  // Another organisation's user is simply not found, like one that never existed.
  const user = id.success ? findUserInOrganisation(db, current.organisation.id, id.data) : null;
  if (!user) notFound();
  const holdsUsersManage = (await getCurrentPermissions(current.user.id)).has("users:manage");
  // What the actions will allow (lib/admin/delegation.ts): offer nothing else.
  const reach = accessReach(db, current.organisation.id, current.user.id);
  const isOwnAccount = user.id === current.user.id;
  const canManage = holdsUsersManage && reach.mayActOn(user.id);
  const canEditAccess = canManage && !isOwnAccount;
  const { roles, groups } = rolesAndGroupsOf(db, current.organisation.id, reach);
  const { requirement, methods } = twoFactorStateOfUser(db, user.id);
  const codePlan = planSecondFactorDelivery({ ...user, organisationId: current.organisation.id });

  return (
    <div className="space-y-6">
      <div>
        <Link href="/admin/users" className="text-sm font-medium text-brand-700 hover:underline">
          ← All users
        </Link>
        <h1 className="mt-2 text-2xl font-semibold tracking-tight text-slate-900">{user.name}</h1>
        <p className="mt-1 text-sm text-slate-600">
          {user.email} · {user.disabledAt ? "Account disabled · " : ""}
          {user.lastSignInAt ? `last signed in ${formatDateTime(user.lastSignInAt)}` : "never signed in"}
        </p>
      </div>
      {holdsUsersManage && isOwnAccount ? (
        <Notice>
          This is your own account. Another administrator changes your roles, groups and two-factor requirement; you manage your own two-factor authentication,
          password and sessions on{" "}
          <Link href="/profile" className="font-medium text-brand-700 underline">
            your profile
          </Link>
          .
        </Notice>
      ) : null}
      {holdsUsersManage && !canManage ? (
        <Notice>
          {user.name} holds permissions you do not ({missingPermissions(reach.actor, reach.permissionsOf(user.id)).map((permission) => PERMISSION_LABELS[permission].toLowerCase()).join(", ")}), so only an administrator who holds them can change this account.
        </Notice>
      ) : null}
      <InvitationStatus organisationId={current.organisation.id} userId={user.id} canManage={canManage} />
      <RecoveryRequestCard organisationId={current.organisation.id} user={user} canDismiss={canManage && !isOwnAccount} canReset={canManage && !isOwnAccount && !user.ssoIssuer} />
      <SecondFactorLockCard userId={user.id} lock={secondFactorLock(db, user.id)} canUnlock={canManage && !isOwnAccount} />
      <Card title="Two-factor methods" id="methods">
        <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-[max-content_1fr]">
          <dt className="font-medium text-slate-700">Signs in with</dt>
          <dd className="text-slate-900">
            {user.ssoIssuer
              ? `SSO through ${user.ssoIssuer}: no password here, and the identity provider asks for the second factor`
              : user.isApiAccount
                ? "API tokens only: never this web interface"
                : "Email and password"}
          </dd>
          <dt className="font-medium text-slate-700">Effective requirement</dt>
          <dd className="text-slate-900">{requirementLabel(requirement)}</dd>
          <dt className="font-medium text-slate-700">Methods in use</dt>
          <dd className="text-slate-900">
            {methods.length === 0 ? "None" : methods.map((method) => METHOD_LABELS[method]).join(", ")}
            {methods.includes("code") && !user.codesEnabledAt ? " (because two-factor authentication is required)" : ""}
          </dd>
          <dt className="font-medium text-slate-700">Codes go</dt>
          <dd className="text-slate-900">
            {codePlan.channel === "sms" ? "By text message" : "By email"} to {maskDestination(codePlan.channel, codePlan.destination)}
          </dd>
          <dt className="font-medium text-slate-700">Mobile number</dt>
          <dd className="text-slate-900">
            {user.mobileNumber ? `${formatPhone(user.mobileNumber)} (${user.mobileVerifiedAt ? "verified" : "not verified"})` : "None"}
          </dd>
        </dl>
      </Card>
      <Card title="Factors" id="factors" description="The second factors the user set up, when each was added and last used.">
        <UserFactorsTable factors={factorsOfUser(db, user.id)} />
      </Card>
      <Card title="Sessions" id="sessions" description="Where the user is signed in now.">
        <SessionList
          sessions={listSessionsOfUser(db, user.id)}
          currentTokenHash={current.session.tokenHash}
          endAction={canManage ? endUserSessionAction : undefined}
          fields={{ user: user.id }}
          emptyText="The user is not signed in anywhere."
        />
      </Card>
      <RecentSignIns organisationId={current.organisation.id} userId={user.id} />
      <Card title="Access" id="access">
        <AdminUserForm user={user} roles={roles} groups={groups} canManage={canEditAccess} />
      </Card>
      {canManage ? <ApiTokensCard user={user} tokens={listApiTokens(db, user.id)} /> : null}
      {canManage ? (
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
                  consequence: "This clears their authenticator, Duo, the sign-in codes they turned on, their recovery codes and remembered browsers, and signs them out everywhere, so they set up again.",
                  confirmLabel: "Reset",
                  reason: { label: "Reason", hint: "Why, and how you checked it was really them. Kept in the audit log and emailed to the user.", maxLength: RESET_REASON_MAX_LENGTH },
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
                consequence: "Every session they have open, in any browser, ends at its next request. They can sign in again.",
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
                        consequence: "They are signed out everywhere and cannot sign in until the account is enabled again.",
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
      ) : null}
      {canManage ? <SetupLinkCard organisationId={current.organisation.id} userId={user.id} /> : null}
      {canManage ? <PasswordResetCard organisationId={current.organisation.id} userId={user.id} /> : null}
    </div>
  );
}
