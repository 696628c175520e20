import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { z } from "zod";
import { endUserSessionAction } from "@/app/(app)/admin/users/[id]/actions";
import { AccountActionsCard } from "@/app/(app)/admin/users/[id]/_components/account-actions-card";
import { AdminUserForm } from "@/app/(app)/admin/users/[id]/_components/admin-user-form";
import { ApiTokensCard } from "@/app/(app)/admin/users/[id]/_components/api-tokens-card";
import { InvitationStatus } from "@/app/(app)/admin/users/[id]/_components/invitation-status";
import { PasswordResetCard } from "@/app/(app)/admin/users/[id]/_components/password-reset-card";
import { RecentSignIns } from "@/app/(app)/admin/users/[id]/_components/recent-sign-ins";
import { RecoveryRequestCard } from "@/app/(app)/admin/users/[id]/_components/recovery-request-card";
import { SecondFactorLockCard } from "@/app/(app)/admin/users/[id]/_components/second-factor-lock-card";
import { SetupLinkCard } from "@/app/(app)/admin/users/[id]/_components/setup-link-card";
import { TwoFactorMethodsCard } from "@/app/(app)/admin/users/[id]/_components/two-factor-methods-card";
import { UserFactorsTable } from "@/app/(app)/admin/users/[id]/_components/user-factors-table";
import { UserHeading } from "@/app/(app)/admin/users/[id]/_components/user-heading";
import { SessionList } from "@/components/session-list";
import { Card } from "@/components/ui/card";
import { requirePermission } from "@/lib/auth/guards";
import { adminUserDetail } from "@/lib/data/admin-user-detail";

export const metadata: Metadata = { title: "User" };

export default async function AdminUserPage({ params }: { params: Promise<{ id: string }> }) {
  const current = await requirePermission("users:read");
  const id = z.coerce
    .number()
    .int()
    .positive()
    .safeParse((await params).id);
  // Another organisation's user is simply not found, like one that never existed.
  const detail = id.success ? await adminUserDetail(current, id.data) : null;
  if (!detail) notFound();
  const { user, abilities, managed } = detail;
  // What the actions will allow (lib/admin/delegation.ts): offer nothing else.
  const { canManage, isOwnAccount } = abilities;

  return (
    <div className="space-y-6">
      <UserHeading user={user} abilities={abilities} />
      <InvitationStatus userId={user.id} invitation={detail.invitation} canManage={canManage} />
      <RecoveryRequestCard
        user={user}
        request={detail.recoveryRequest}
        canDismiss={canManage && !isOwnAccount}
        canReset={canManage && !isOwnAccount && !user.ssoIssuer}
      />
      <SecondFactorLockCard userId={user.id} lock={detail.lock} canUnlock={canManage && !isOwnAccount} />
      <TwoFactorMethodsCard
        user={user}
        requirement={detail.requirement}
        methods={detail.methods}
        codes={detail.codes}
      />
      <Card
        title="Factors"
        id="factors"
        description="The second factors the user set up, when each was added and last used."
      >
        <UserFactorsTable factors={detail.factors} />
      </Card>
      <Card title="Sessions" id="sessions" description="Where the user is signed in now.">
        <SessionList
          sessions={detail.sessions}
          currentTokenHash={current.session.tokenHash}
          endAction={canManage ? endUserSessionAction : undefined}
          fields={{ user: user.id }}
          emptyText="The user is not signed in anywhere."
        />
      </Card>
      <RecentSignIns events={detail.recentSignIns} />
      <Card title="Access" id="access">
        <AdminUserForm
          user={user}
          roles={detail.grantChoices.roles}
          groups={detail.grantChoices.groups}
          canManage={canManage && !isOwnAccount}
        />
      </Card>
      {managed ? (
        <>
          <ApiTokensCard user={user} tokens={managed.apiTokens} />
          <AccountActionsCard user={user} isOwnAccount={isOwnAccount} />
          <SetupLinkCard userId={user.id} setupLink={managed.setupLink} />
          {managed.passwordReset ? (
            <PasswordResetCard userId={user.id} refusal={managed.passwordReset.refusal} />
          ) : null}
        </>
      ) : null}
    </div>
  );
}
