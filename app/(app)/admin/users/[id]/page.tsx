import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { endUserSessionAction, signOutEverywhereAction } from "@/app/(app)/admin/users/[id]/actions";
import { AccountActionsCard } from "@/app/(app)/admin/users/[id]/_components/account-actions-card";
import { AdminUserForm } from "@/app/(app)/admin/users/[id]/_components/admin-user-form";
import { ApiTokensCard } from "@/app/(app)/admin/users/[id]/_components/api-tokens-card";
import { DetailsCard } from "@/app/(app)/admin/users/[id]/_components/details-card";
import { InvitationStatus } from "@/app/(app)/admin/users/[id]/_components/invitation-status";
import { PasswordResetCard } from "@/app/(app)/admin/users/[id]/_components/password-reset-card";
import { RecentSignIns } from "@/app/(app)/admin/users/[id]/_components/recent-sign-ins";
import { RecoveryRequestCard } from "@/app/(app)/admin/users/[id]/_components/recovery-request-card";
import { SecondFactorLockCard } from "@/app/(app)/admin/users/[id]/_components/second-factor-lock-card";
import { SetupLinkCard } from "@/app/(app)/admin/users/[id]/_components/setup-link-card";
import { Subsection } from "@/app/(app)/admin/users/[id]/_components/subsection";
import { TwoFactorMethodsCard } from "@/app/(app)/admin/users/[id]/_components/two-factor-methods-card";
import { UserFactorsTable } from "@/app/(app)/admin/users/[id]/_components/user-factors-table";
import { UserPasskeysTable } from "@/app/(app)/admin/users/[id]/_components/user-passkeys-table";
import { UserHeading } from "@/app/(app)/admin/users/[id]/_components/user-heading";
import { RowActionForm } from "@/components/row-action-form";
import { SessionList } from "@/components/session-list";
import { Card } from "@/components/ui/card";
import { Notice } from "@/components/ui/notice";
import { requirePermission } from "@/lib/auth/guards";
import { adminUserDetail } from "@/lib/data/admin-user-detail";
import { messages } from "@/lib/messages";
import { databaseId } from "@/lib/database-id";

export const metadata: Metadata = { title: "User" };

/*
 * Laid out like Keycloak's user page: details, access, two-factor, sessions
 * and recent events, then whatever is hard to undo in a "Danger zone". What
 * cannot apply to this user is not shown at all.
 */
export default async function AdminUserPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const current = await requirePermission("users:read");
  const id = databaseId().safeParse((await params).id);
  // Another organisation's user is simply not found, like one that never existed.
  const detail = id.success ? await adminUserDetail(current, id.data) : null;
  if (!detail) notFound();
  const { user, abilities, managed } = detail;
  // What the actions will allow (lib/admin/delegation.ts): offer nothing else.
  const { canManage, isOwnAccount } = abilities;
  const invited = detail.invitation !== null;
  // Someone who signs in here with a password, and has joined: the only kind a reset link or setup link can help.
  const signsInHere = !user.isApiAccount && !user.ssoIssuer && !invited;
  const query = await searchParams;
  const justCreated = query.created === "api-account" && user.isApiAccount;
  const passkeyRemoved = query.passkey === "removed";

  return (
    <div className="space-y-6">
      <UserHeading user={user} abilities={abilities} />
      {justCreated ? <Notice>API account created. Create a token for the program under “API tokens”.</Notice> : null}
      <InvitationStatus userId={user.id} invitation={detail.invitation} canManage={canManage} />
      <RecoveryRequestCard
        user={user}
        request={detail.recoveryRequest}
        canDismiss={canManage && !isOwnAccount}
        canReset={canManage && !isOwnAccount && !user.ssoIssuer}
      />

      <DetailsCard user={user} invited={invited}>
        {managed?.passwordReset && signsInHere ? (
          <PasswordResetCard userId={user.id} refusal={managed.passwordReset.refusal} />
        ) : null}
      </DetailsCard>

      <Card title="Access" id="access" description="Roles and groups, and what this user is asked for at sign-in.">
        <AdminUserForm
          user={user}
          roles={detail.grantChoices.roles}
          groups={detail.grantChoices.groups}
          canManage={canManage && !isOwnAccount}
        />
      </Card>

      {managed ? <ApiTokensCard user={user} tokens={managed.apiTokens} /> : null}

      {user.isApiAccount ? null : (
        <Card title="Two-factor" id="two-factor">
          <div className="space-y-8">
            {detail.lock ? (
              <div className="rounded-lg border border-amber-200 bg-amber-50 p-4">
                <SecondFactorLockCard userId={user.id} lock={detail.lock} canUnlock={canManage && !isOwnAccount} />
              </div>
            ) : null}
            <TwoFactorMethodsCard
              user={user}
              requirement={detail.requirement}
              methods={detail.methods}
              codes={detail.codes}
            />
            <Subsection
              id="factors"
              title="Factors"
              description="The second factors the user set up, when each was added and last used."
            >
              <UserFactorsTable factors={detail.factors} />
            </Subsection>
            <Subsection
              id="passkeys"
              title="Passkeys and security keys"
              description="Each one the user added, with its kind. Remove one the user lost."
            >
              {passkeyRemoved ? (
                <p
                  role="status"
                  className="rounded-lg border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800"
                >
                  {messages.passkeyRemovedByAdmin}
                </p>
              ) : null}
              <UserPasskeysTable user={user} passkeys={detail.passkeys} canRemove={canManage && !isOwnAccount} />
            </Subsection>
            {managed && signsInHere ? <SetupLinkCard userId={user.id} setupLink={managed.setupLink} /> : null}
          </div>
        </Card>
      )}

      {user.isApiAccount ? null : (
        <Card title="Sessions" id="sessions" description="Where the user is signed in now.">
          <div className="space-y-4">
            <SessionList
              sessions={detail.sessions}
              currentTokenHash={current.session.tokenHash}
              endAction={canManage ? endUserSessionAction : undefined}
              fields={{ user: user.id }}
              emptyText="The user is not signed in anywhere."
            />
            {managed ? (
              <RowActionForm
                action={signOutEverywhereAction}
                fields={{ user: user.id }}
                label="Sign out everywhere"
                pendingLabel="Signing out…"
                className="flex flex-col items-start gap-2"
                confirmation={{
                  title: `Sign ${user.name} out everywhere?`,
                  consequence:
                    "Every session they have open, in any browser, ends at its next request. They can sign in again.",
                  confirmLabel: "Sign out",
                }}
              />
            ) : null}
          </div>
        </Card>
      )}

      <Card title="Recent events" id="recent-events">
        <div className="space-y-4">
          {user.isApiAccount ? null : <RecentSignIns events={detail.recentSignIns} />}
          {abilities.canReadAudit ? (
            <Link
              href={`/admin/audit?userId=${user.id}`}
              className="inline-block text-sm font-medium text-brand-700 hover:underline"
            >
              View this user’s events
            </Link>
          ) : null}
        </div>
      </Card>

      {managed ? <AccountActionsCard user={user} isOwnAccount={isOwnAccount} invited={invited} /> : null}
    </div>
  );
}
