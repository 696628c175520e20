import type { Metadata } from "next";
import { eq } from "drizzle-orm";
import { endSessionAction } from "@/app/(app)/profile/actions";
import { confirmMobileChangeAction, startMobileChangeAction } from "@/app/(app)/profile/mobile-actions";
import {
  confirmCodesAction,
  confirmEnrolmentAction,
  forgetBrowserAction,
  sendConfirmationCodeAction,
  startCodesAction,
  startEnrolmentAction,
} from "@/app/(app)/profile/two-factor-actions";
import { SignInAlertsCard } from "@/app/(app)/profile/_components/sign-in-alerts-card";
import { DuoProfileSection } from "@/app/(app)/profile/_components/duo-profile-section";
import { PreferredMethodForm } from "@/app/(app)/profile/_components/preferred-method-form";
import { SentCodeForm } from "@/app/(app)/profile/_components/sent-code-form";
import { getDb } from "@/db";
import { organisations } from "@/db/schema";
import { PasswordChangeForm } from "@/app/(app)/profile/_components/password-change-form";
import { ProfileUpdateForm } from "@/app/(app)/profile/_components/profile-update-form";
import { RecoveryCodesLowNotice } from "@/components/recovery-codes-low-notice";
import { RecoveryCodesRegenerateForm } from "@/app/(app)/profile/_components/recovery-codes-regenerate-form";
import { RowActionForm } from "@/components/row-action-form";
import { TrustedBrowsersForgetAllForm } from "@/app/(app)/profile/_components/trusted-browser-forget-form";
import { TwoFactorDisableForm } from "@/app/(app)/profile/_components/two-factor-disable-form";
import { TwoFactorEnableForm } from "@/components/two-factor-enable-form";
import { SessionList } from "@/components/session-list";
import { Card } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/guards";
import { handledByIdentityProvider, SSO_SECOND_FACTOR_NOTE } from "@/lib/auth/sso";
import { listSessionsOfUser } from "@/lib/auth/sessions";
import { formatDateTime } from "@/lib/format";
import { FEW_RECOVERY_CODES_LEFT, RECOVERY_CODE_COUNT } from "@/lib/two-factor/recovery-codes/codes";
import { twoFactorStatus } from "@/lib/two-factor/policy/status";
import { codeRecipientOf } from "@/lib/two-factor/sent-codes/sign-in-recipient";
import { maskDestination, planSecondFactorDelivery } from "@/lib/two-factor/sent-codes/delivery";
import { METHOD_LABELS, startingMethod } from "@/lib/two-factor/policy/methods";
import { formatPhone } from "@/lib/format";
import { listTrustedBrowsers } from "@/lib/two-factor/sign-in/trusted-browsers";
import { describeUserAgent } from "@/lib/user-agent";
import { duoNoticeFrom } from "@/lib/two-factor/duo/messages";

export const metadata: Metadata = { title: "Profile" };

export default async function ProfilePage({ searchParams }: { searchParams: Promise<{ duo?: string | string[] }> }) {
  const { user, session: currentSession } = await requireUser();
  const duoNotice = duoNoticeFrom((await searchParams).duo);
  const db = getDb();
  const organisation = db
    .select({ allowTotp: organisations.allowTotp, allowCode: organisations.allowCode })
    .from(organisations)
    .where(eq(organisations.id, user.organisationId))
    .get()!;
  const recipient = codeRecipientOf(db, user.id)!;
  const plan = planSecondFactorDelivery(recipient);
  const codeDestination = `${plan.channel === "sms" ? "by text message" : "by email"} to ${maskDestination(plan.channel, plan.destination)}`;
  const sessions = listSessionsOfUser(db, user.id);
  const twoFactor = twoFactorStatus(db, user.id);
  const trustedBrowsers = twoFactor.enabled ? listTrustedBrowsers(db, user.id) : [];
  // Nothing to set up here for SSO users: the actions refuse them too (requireLocalAccount).
  const sso = handledByIdentityProvider(twoFactor.requirement);

  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Profile</h1>

      <Card title="Your details" id="details">
        <ProfileUpdateForm name={user.name} email={user.email} />
      </Card>

      <Card title="Two-factor authentication" id="two-factor" description="A second step at sign-in that a stolen password alone cannot pass.">
        {sso ? (
          <p className="text-sm text-slate-800">{SSO_SECOND_FACTOR_NOTE}</p>
        ) : (
        <div className="space-y-6">
          {/* A status, so turning a method on or off is announced when the page updates. */}
          <p role="status" className="flex items-center gap-2 text-sm font-medium text-slate-800">
            <span aria-hidden="true" className={`inline-block h-2.5 w-2.5 rounded-full ${twoFactor.enabled ? "bg-emerald-500" : "bg-amber-500"}`} />
            {twoFactor.enabled
              ? `Two-factor authentication is on: ${twoFactor.methods.map((method) => METHOD_LABELS[method].toLowerCase()).join(", ")}.`
              : "Two-factor authentication is off."}
          </p>

          <div className="space-y-3">
            <h3 className="text-sm font-semibold text-slate-900">
              Authenticator app
            </h3>
            {twoFactor.hasAuthenticator ? (
              <>
                {twoFactor.recoveryCodesLeft <= FEW_RECOVERY_CODES_LEFT ? <RecoveryCodesLowNotice left={twoFactor.recoveryCodesLeft} /> : null}
                <p className="text-sm text-slate-600">
                  Set up. {twoFactor.recoveryCodesLeft} of {RECOVERY_CODE_COUNT} recovery codes left.
                  {organisation.allowTotp ? "" : " Your organisation no longer allows new authenticator apps; yours keeps working."}
                </p>
                <RecoveryCodesRegenerateForm />
              </>
            ) : organisation.allowTotp ? (
              <TwoFactorEnableForm
                startAction={startEnrolmentAction}
                confirmAction={confirmEnrolmentAction}
                askPassword
                label={twoFactor.enabled ? "Set up an authenticator app" : "Enable two-factor authentication"}
              />
            ) : (
              <p className="text-sm text-slate-600">Your organisation does not allow authenticator apps.</p>
            )}
          </div>

          <div className="space-y-3">
            <h3 className="text-sm font-semibold text-slate-900">
              Codes by text message or email
            </h3>
            {twoFactor.methods.includes("code") ? (
              <p className="text-sm text-slate-600">
                On{twoFactor.codesTurnedOn ? "" : ", because your organisation requires two-factor authentication"}. Codes go{" "}
                {codeDestination}.
              </p>
            ) : organisation.allowCode ? (
              <SentCodeForm
                startAction={startCodesAction}
                confirmAction={confirmCodesAction}
                reveal={{ label: "Set up codes by text message or email", variant: twoFactor.enabled ? "secondary" : "primary" }}
                intro={`We will send a code ${codeDestination} to check it arrives. Confirm it is you first.`}
                fields={[{ id: "codes-password", name: "currentPassword", label: "Password", type: "password", autoComplete: "current-password" }]}
                startLabel="Send a code"
                confirmLabel="Confirm code"
              />
            ) : (
              <p className="text-sm text-slate-600">Your organisation does not allow codes by text message or email.</p>
            )}
          </div>

          <DuoProfileSection
            turnedOn={twoFactor.duoTurnedOn}
            usable={twoFactor.methods.includes("duo")}
            available={twoFactor.duoAvailable}
            notice={duoNotice}
          />

          {twoFactor.methods.length > 0 ? (
            <PreferredMethodForm
              options={twoFactor.methods.map((method) => ({ value: method, label: METHOD_LABELS[method] }))}
              current={startingMethod(twoFactor.methods, twoFactor.preferredMethod) ?? twoFactor.methods[0]!}
            />
          ) : null}

          {twoFactor.canDisable ? (
            <div className="flex flex-wrap items-start gap-3">
              <TwoFactorDisableForm />
              {twoFactor.methods.includes("code") ? (
                <RowActionForm
                  action={sendConfirmationCodeAction}
                  fields={{}}
                  label="Email me a code"
                  accessibleName="Email me a code to confirm turning two-factor authentication off"
                  pendingLabel="Sending…"
                  className="flex flex-col items-start gap-2"
                />
              ) : null}
            </div>
          ) : null}

          {twoFactor.enabled ? (
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
          ) : null}
        </div>
        )}
      </Card>

      {sso ? null : (
      <Card
        title="Mobile number"
        id="mobile"
        description="Sign-in codes go to it by text message once you have verified it. Changing it needs your password."
      >
        <div className="space-y-4">
          <p className="text-sm text-slate-800">
            {recipient.mobileNumber ? (
              <>
                Current: <span className="font-medium">{formatPhone(recipient.mobileNumber)}</span>{" "}
                {recipient.mobileVerifiedAt ? (
                  <span className="rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-800">Verified</span>
                ) : (
                  <span className="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900">Not verified</span>
                )}
              </>
            ) : (
              "No mobile number: codes come by email."
            )}
          </p>
          <SentCodeForm
            startAction={startMobileChangeAction}
            confirmAction={confirmMobileChangeAction}
            fields={[
              {
                id: "mobile-number",
                name: "mobileNumber",
                label: "Mobile number",
                type: "tel",
                autoComplete: "tel",
                placeholder: "+44 7911 123456",
                hint: recipient.mobileNumber
                  ? "International format, starting with +. Leave it empty to remove your number."
                  : "International format, starting with +.",
              },
              { id: "mobile-password", name: "currentPassword", label: "Current password", type: "password", autoComplete: "current-password" },
            ]}
            startLabel="Save mobile number"
            confirmLabel="Verify number"
            reveal={{ label: recipient.mobileNumber ? "Change mobile number" : "Add a mobile number" }}
          />
        </div>
      </Card>
      )}

      {sso ? null : (
        <Card title="Password" id="password" description="Changing it signs out your other sessions.">
          <PasswordChangeForm />
        </Card>
      )}

      <SignInAlertsCard userId={user.id} />

      <Card title="Your sessions" id="sessions" description="Where you are signed in. End any session you do not recognise.">
        <SessionList sessions={sessions} currentTokenHash={currentSession.tokenHash} endAction={endSessionAction} />
      </Card>
    </div>
  );
}
