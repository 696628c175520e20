"use client";

import { useActionState } from "react";
import { updateSignInProtectionAction } from "@/app/(app)/admin/settings/sign-in-protection-actions";
import { SubmitButton } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { SubmitRow } from "@/components/ui/submit-row";
import { initialFormState } from "@/lib/action";
import { SIGN_IN_PROTECTION_BOUNDS as B, type SignInProtection } from "@/lib/organisations/sign-in-protection-bounds";

const FIELDS: Array<{ name: keyof SignInProtection; label: string; hint: string }> = [
  {
    name: "passwordFailureLimit",
    label: "Wrong passwords per account and address",
    hint: `One address may try this many wrong passwords for one account within the failure window, then waits. ${B.passwordFailureLimit.min}–${B.passwordFailureLimit.max}; default ${B.passwordFailureLimit.default}.`,
  },
  {
    name: "accountFailureLimit",
    label: "Wrong passwords per account before slowing down",
    hint: `From all addresses together, counted over 24 hours (a shorter window would let a patient guesser start afresh every few minutes). Past it, each attempt is slowed down instead of the account being locked, so a stranger cannot lock anyone out. ${B.accountFailureLimit.min}–${B.accountFailureLimit.max}; default ${B.accountFailureLimit.default}.`,
  },
  {
    name: "secondFactorFailureLimit",
    label: "Wrong codes per user",
    hint: `Wrong second-step codes one user may enter within the failure window before waiting. ${B.secondFactorFailureLimit.min}–${B.secondFactorFailureLimit.max}; default ${B.secondFactorFailureLimit.default}.`,
  },
  {
    name: "failureWindowMinutes",
    label: "Failure window (minutes)",
    hint: `The time the per-address and per-user limits count in, and how long a wait lasts. ${B.failureWindowMinutes.min}–${B.failureWindowMinutes.max}; default ${B.failureWindowMinutes.default}.`,
  },
  {
    name: "secondFactorLockoutLimit",
    label: "Wrong codes in a row before locking the second factor",
    hint: `However spread out in time. Then only a recovery code or an administrator's “Unlock” lets the user in. ${B.secondFactorLockoutLimit.min}–${B.secondFactorLockoutLimit.max}; default ${B.secondFactorLockoutLimit.default}.`,
  },
];

/** `editable: false` shows the limits to someone who may not change them, like the settings form above it. */
export function SignInProtectionForm({ settings, editable }: { settings: SignInProtection; editable: boolean }) {
  const [state, action] = useActionState(updateSignInProtectionAction, initialFormState);
  return (
    <Card
      title="Sign-in protection"
      id="sign-in-protection"
      description="How many wrong passwords and codes are allowed before Twofold holds back further attempts."
    >
      <form action={action} noValidate>
        <fieldset disabled={!editable} className="space-y-5">
          <div className="grid gap-5 sm:grid-cols-2">
            {FIELDS.map(({ name, label, hint }) => (
              <Field
                key={name}
                label={label}
                name={name}
                type="number"
                inputMode="numeric"
                min={B[name].min}
                max={B[name].max}
                required
                hint={hint}
                defaultValue={state.values?.[name] ?? String(settings[name])}
                error={state.fieldErrors?.[name]}
              />
            ))}
          </div>
          {editable ? (
            <SubmitRow state={state}>
              <SubmitButton pendingLabel="Saving…">Save sign-in protection</SubmitButton>
            </SubmitRow>
          ) : null}
        </fieldset>
      </form>
    </Card>
  );
}
