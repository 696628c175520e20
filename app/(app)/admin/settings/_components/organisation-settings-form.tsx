"use client";

import { useActionState } from "react";
import { previewSettingsAction, updateSettingsAction } from "@/app/(app)/admin/settings/actions";
import { DuoConnectionTest } from "@/app/(app)/admin/settings/_components/duo-connection-test";
import { useEnforcementConfirmation } from "@/components/enforcement-confirmation";
import { SubmitButton } from "@/components/ui/button";
import { Choice, ChoiceGroup, RadioGroup } from "@/components/ui/choice";
import { Field } from "@/components/ui/field";
import { SubmitRow } from "@/components/ui/submit-row";
import { initialFormState } from "@/lib/action";
import { MAX_SESSION_DURATION_DAYS } from "@/lib/auth/cookie-definitions";
import { SESSION_IDLE_CHOICES } from "@/lib/auth/session-settings";
import type { OrganisationSettings } from "@/lib/data/organisation-settings";

const POLICIES = [
  { value: "disabled", label: "Disabled", hint: "No one is asked for a second factor." },
  { value: "optional", label: "Optional", hint: "People choose; roles and per-user settings can still require it." },
  { value: "required", label: "Required", hint: "Everyone must have a second factor." },
] as const;

/** With the number of people who would stop being asked (see disabledPolicyNotice). */
function policies(disabledNotice: string | null) {
  return POLICIES.map((policy) =>
    policy.value === "disabled" && disabledNotice ? { ...policy, hint: `${policy.hint} ${disabledNotice}` } : policy,
  );
}

// The trade-off, in a line each (NIST SP 800-63B-4 §4.1: binding a first
// authenticator after a password alone lets whoever has the password bind theirs).
const SETUP_FLOWS = [
  {
    value: "emailed_link",
    label: "Through a link emailed to the user",
    hint: "Safer: a password alone can never add a factor, since the link proves they control their mailbox. The link works once, in the browser that signed in. One more step for people.",
  },
  {
    value: "on_screen",
    label: "On screen, right after the password",
    hint: "Quicker, but whoever knows someone's password and signs in first can add their own factor to that account.",
  },
] as const;

const DUO_BYPASS_ACTIONS = [
  { value: "refuse", label: "Refuse the sign-in" },
  {
    value: "flag",
    label: "Allow it and flag it in the audit log",
    hint: "Duo does this for people in bypass status, not enrolled in Duo, or on a network it trusts. Turning Duo on always needs a real factor.",
  },
] as const;

const METHOD_FIELDS = ["allowTotp", "allowCode", "allowDuo", "allowPasskey"] as const;

/** Whether the form asks for more than is saved: Required newly chosen, or a method unticked. */
function stricterThan(settings: OrganisationSettings) {
  return (form: HTMLFormElement) => {
    const data = new FormData(form);
    const policy = data.get("twoFactorPolicy");
    const required = policy === "required" && settings.twoFactorPolicy !== "required";
    const narrowed = policy !== "disabled" && METHOD_FIELDS.some((name) => settings[name] && data.get(name) !== "on");
    return required || narrowed;
  };
}

/** `editable: false` shows the settings to someone who may not change them (see the settings actions). */
export function OrganisationSettingsForm({
  settings,
  editable = true,
  disabledNotice = null,
}: {
  settings: OrganisationSettings;
  editable?: boolean;
  /** Who setting the policy to Disabled would stop asking, when anyone. */
  disabledNotice?: string | null;
}) {
  const [state, action] = useActionState(updateSettingsAction, initialFormState);
  const confirmation = useEnforcementConfirmation({
    preview: previewSettingsAction,
    tightens: stricterThan(settings),
    title: "Apply these two-factor settings?",
    confirmLabel: "Confirm and save",
  });
  // After a refused save the form shows what was submitted, not the saved settings it would contradict.
  const submitted = state.values;
  const value = (name: keyof OrganisationSettings) => submitted?.[name] ?? String(settings[name] ?? "");
  const ticked = (name: "allowTotp" | "allowCode" | "allowDuo" | "allowPasskey") =>
    submitted ? submitted[name] === "on" : settings[name];
  return (
    <form action={action} onSubmit={confirmation.onSubmit} noValidate>
      <fieldset disabled={!editable} className="space-y-8">
        <RadioGroup
          legend="Two-factor authentication"
          name="twoFactorPolicy"
          options={policies(disabledNotice)}
          defaultValue={value("twoFactorPolicy")}
        />

        <ChoiceGroup legend="Allowed methods" error={state.fieldErrors?.allowTotp}>
          <Choice
            id="allow-totp"
            type="checkbox"
            name="allowTotp"
            label="Authenticator app (TOTP)"
            defaultChecked={ticked("allowTotp")}
          />
          <Choice
            id="allow-code"
            type="checkbox"
            name="allowCode"
            label="SMS or email code"
            defaultChecked={ticked("allowCode")}
          />
          <Choice id="allow-duo" type="checkbox" name="allowDuo" label="Duo" defaultChecked={ticked("allowDuo")} />
          <Choice
            id="allow-passkey"
            type="checkbox"
            name="allowPasskey"
            label="Passkeys and security keys"
            defaultChecked={ticked("allowPasskey")}
          />
        </ChoiceGroup>

        <Field
          label="Grace period (days)"
          name="twoFactorGraceDays"
          type="number"
          inputMode="numeric"
          min={0}
          max={90}
          hint="How long someone newly required to use 2FA may skip setting it up. 0: at their next sign-in."
          defaultValue={value("twoFactorGraceDays")}
          error={state.fieldErrors?.twoFactorGraceDays}
          className="sm:max-w-xs"
        />

        <RadioGroup
          legend="Setting up at sign-in"
          name="requiredSetupFlow"
          options={SETUP_FLOWS}
          defaultValue={value("requiredSetupFlow")}
        />

        <fieldset className="space-y-4">
          <legend className="mb-2 text-sm font-semibold text-slate-900">Duo</legend>
          <div className="grid gap-4 sm:grid-cols-3">
            <Field
              label="Integration key"
              name="duoIntegrationKey"
              autoComplete="off"
              spellCheck={false}
              defaultValue={value("duoIntegrationKey")}
              error={state.fieldErrors?.duoIntegrationKey}
            />
            <Field
              label="Secret key"
              name="duoSecretKey"
              type="password"
              autoComplete="off"
              placeholder={settings.duoSecretKeySaved ? "Saved; type to replace" : ""}
              hint={settings.duoSecretKeySaved ? "Stored encrypted and never shown again." : undefined}
              error={state.fieldErrors?.duoSecretKey}
            />
            <Field
              label="API hostname"
              name="duoApiHostname"
              autoComplete="off"
              spellCheck={false}
              defaultValue={value("duoApiHostname")}
              error={state.fieldErrors?.duoApiHostname}
            />
          </div>
          {editable ? <DuoConnectionTest /> : null}
          <RadioGroup
            legend="When Duo lets someone in without a second factor"
            name="duoBypassAtSignIn"
            options={DUO_BYPASS_ACTIONS}
            defaultValue={value("duoBypassAtSignIn")}
          />
        </fieldset>

        <fieldset className="space-y-4">
          <legend className="text-sm font-semibold text-slate-900">Sessions</legend>
          <Field
            key={settings.sessionDurationDays}
            label="Session duration (days)"
            name="sessionDurationDays"
            type="number"
            inputMode="numeric"
            min={1}
            max={MAX_SESSION_DURATION_DAYS}
            required
            hint="How long a sign-in lasts before the person must sign in again. Applies to new sessions."
            defaultValue={value("sessionDurationDays")}
            error={state.fieldErrors?.sessionDurationDays}
            className="sm:max-w-xs"
          />
          <div className="sm:max-w-xs">
            <label htmlFor="session-idle" className="block text-sm font-medium text-slate-800">
              Sign out after inactivity
            </label>
            <p id="session-idle-hint" className="mt-0.5 text-xs text-slate-600">
              A session not used for this long is signed out at its next request. Applies to every session, open ones
              included.
            </p>
            <select
              // Saved by the other button (the preset): show what was saved, not what the select had.
              key={settings.sessionIdleMinutes}
              id="session-idle"
              name="sessionIdleMinutes"
              defaultValue={value("sessionIdleMinutes")}
              aria-describedby={
                state.fieldErrors?.sessionIdleMinutes ? "session-idle-hint session-idle-error" : "session-idle-hint"
              }
              aria-invalid={state.fieldErrors?.sessionIdleMinutes ? true : undefined}
              className="mt-1 block w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-brand-500 focus:ring-2 focus:ring-brand-500/30 focus:outline-none"
            >
              {SESSION_IDLE_CHOICES.map((choice) => (
                <option key={choice.minutes} value={choice.minutes}>
                  {choice.label}
                </option>
              ))}
            </select>
            {state.fieldErrors?.sessionIdleMinutes ? (
              <p id="session-idle-error" className="mt-1 text-sm text-red-700">
                {state.fieldErrors.sessionIdleMinutes}
              </p>
            ) : null}
          </div>
        </fieldset>
        {editable ? (
          <SubmitRow
            state={state}
            note={
              <p id="nist-aal2-hint" className="text-xs text-slate-600">
                The NIST AAL2 preset saves the form with sessions that end after 24 hours and after 1 hour of inactivity
                (NIST SP 800-63B-4).
              </p>
            }
          >
            {/* Save comes first: it is the button Enter presses. */}
            <SubmitButton pendingLabel="Saving…">Save</SubmitButton>
            <SubmitButton
              variant="secondary"
              name="preset"
              value="nist_aal2"
              pendingLabel="Applying…"
              aria-describedby="nist-aal2-hint"
            >
              Apply NIST AAL2 preset
            </SubmitButton>
          </SubmitRow>
        ) : null}
      </fieldset>
      {editable ? confirmation.dialog : null}
    </form>
  );
}
