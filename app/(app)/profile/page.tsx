import type { Metadata } from "next";
import { eq } from "drizzle-orm";
import { endSessionAction } from "@/app/(app)/profile/actions";
import { confirmEnrolmentAction, forgetBrowserAction, startEnrolmentAction } from "@/app/(app)/profile/two-factor-actions";
import { getDb } from "@/db";
import { users } from "@/db/schema";
import { PasswordChangeForm } from "@/components/password-change-form";
import { ProfileUpdateForm } from "@/components/profile-update-form";
import { RecoveryCodesRegenerateForm } from "@/components/recovery-codes-regenerate-form";
import { RowActionForm } from "@/components/row-action-form";
import { TrustedBrowsersForgetAllForm } from "@/components/trusted-browser-forget-form";
import { TwoFactorDisableForm } from "@/components/two-factor-disable-form";
import { TwoFactorEnableForm } from "@/components/two-factor-enable-form";
import { Card } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/guards";
import { listSessionsOfUser } from "@/lib/auth/sessions";
import { formatDateTime } from "@/lib/format";
import { RECOVERY_CODE_COUNT } from "@/lib/two-factor/recovery-codes";
import { twoFactorStatus } from "@/lib/two-factor/status";
import { listTrustedBrowsers } from "@/lib/two-factor/trusted-browsers";
import { describeUserAgent } from "@/lib/user-agent";

export const metadata: Metadata = { title: "Profile" };

export default async function ProfilePage() {
  const { user, session: currentSession } = await requireUser();
  const db = getDb();
  const details = db.select({ mobileNumber: users.mobileNumber }).from(users).where(eq(users.id, user.id)).get()!;
  const sessions = listSessionsOfUser(db, user.id);
  const twoFactor = twoFactorStatus(db, user.id);
  const trustedBrowsers = twoFactor.enabled ? listTrustedBrowsers(db, user.id) : [];

  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Profile</h1>

      <Card title="Your details" id="details">
        <ProfileUpdateForm name={user.name} email={user.email} mobileNumber={details.mobileNumber} />
      </Card>

      <Card title="Two-factor authentication" id="two-factor" description="A second step at sign-in that a stolen password alone cannot pass.">
        {twoFactor.enabled ? (
          <div className="space-y-6">
            <div className="space-y-1 text-sm text-slate-800">
              <p className="flex items-center gap-2 font-medium">
                <span aria-hidden="true" className="inline-block h-2.5 w-2.5 rounded-full bg-emerald-500" />
                Two-factor authentication is on: authenticator app.
              </p>
              <p className="text-slate-600">
                {twoFactor.recoveryCodesLeft} of {RECOVERY_CODE_COUNT} recovery codes left.
              </p>
            </div>
            <div className="flex flex-wrap items-start gap-3">
              <RecoveryCodesRegenerateForm />
              <TwoFactorDisableForm />
            </div>
            <div>
              <h3 className="text-sm font-semibold text-slate-900">Remembered browsers</h3>
              <p className="mt-1 text-sm text-slate-600">These browsers skip the code at sign-in for 90 days; your password is still needed.</p>
              {trustedBrowsers.length === 0 ? (
                <p className="mt-3 text-sm text-slate-600">No browser is remembered.</p>
              ) : (
                <>
                  <ul className="mt-2 divide-y divide-slate-100">
                    {trustedBrowsers.map((browser) => {
                      const description = `${describeUserAgent(browser.userAgent)}, remembered ${formatDateTime(browser.createdAt)}`;
                      return (
                        <li key={browser.id} className="flex flex-wrap items-center justify-between gap-3 py-3">
                          <div>
                            <p className="text-sm font-medium text-slate-900">{describeUserAgent(browser.userAgent)}</p>
                            <p className="text-xs text-slate-600">
                              Remembered {formatDateTime(browser.createdAt)} · last used{" "}
                              {browser.lastUsedAt ? formatDateTime(browser.lastUsedAt) : "never"}
                            </p>
                          </div>
                          <RowActionForm
                            action={forgetBrowserAction}
                            fields={{ browser: browser.id }}
                            label="Forget"
                            accessibleName={`Forget ${description}`}
                            pendingLabel="Forgetting…"
                          />
                        </li>
                      );
                    })}
                  </ul>
                  <TrustedBrowsersForgetAllForm />
                </>
              )}
            </div>
          </div>
        ) : (
          <div className="space-y-4">
            <p className="flex items-center gap-2 text-sm text-slate-800">
              <span aria-hidden="true" className="inline-block h-2.5 w-2.5 rounded-full bg-amber-500" />
              Two-factor authentication is off.
            </p>
            <TwoFactorEnableForm startAction={startEnrolmentAction} confirmAction={confirmEnrolmentAction} askPassword />
          </div>
        )}
      </Card>

      <Card title="Password" id="password" description="Changing it signs out your other sessions.">
        <PasswordChangeForm />
      </Card>

      <Card title="Your sessions" id="sessions" description="Where you are signed in. End any session you do not recognise.">
        <ul className="divide-y divide-slate-100">
          {sessions.map((session) => {
            const browser = describeUserAgent(session.userAgent);
            const isCurrent = session.tokenHash === currentSession.tokenHash;
            return (
              <li key={session.tokenHash} className="flex flex-wrap items-center justify-between gap-3 py-3">
                <div>
                  <p className="text-sm font-medium text-slate-900">
                    {browser}
                    {isCurrent ? (
                      <span className="ml-2 rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-800">This browser</span>
                    ) : null}
                  </p>
                  <p className="text-xs text-slate-600">
                    {session.ip ?? "Unknown address"} · signed in {formatDateTime(session.createdAt)} · last active{" "}
                    {formatDateTime(session.lastSeenAt)}
                  </p>
                </div>
                {isCurrent ? null : (
                  <RowActionForm
                    action={endSessionAction}
                    fields={{ session: session.tokenHash }}
                    label="End session"
                    accessibleName={`End session: ${browser}, signed in ${formatDateTime(session.createdAt)}`}
                    pendingLabel="Ending…"
                  />
                )}
              </li>
            );
          })}
        </ul>
      </Card>
    </div>
  );
}
