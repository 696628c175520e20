"use client";

import { useActionState } from "react";
import { verifySecondFactorAction } from "@/app/(auth)/login/two-factor/actions";
import { RememberBrowserChoice } from "@/app/(auth)/login/two-factor/_components/remember-browser-choice";
import { buttonClasses, SubmitButton } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { SharedFormStatus } from "@/components/ui/form-status";
import { initialFormState, type FormState } from "@/lib/action";

// "6‑digit" with a non-breaking hyphen (U+2011): a narrow screen never breaks it as "6-/digit".
const HINTS = {
  totp: "The 6\u2011digit code your authenticator app shows now.",
  code: "The 6\u2011digit code we sent you.",
  none: "One of your recovery codes.",
} as const;

/**
 * `method`: which code the page asks for; null when only a recovery code can help.
 * `disabled`: while the second step is paused, nothing can be typed or sent.
 * `reportStatus`: where the page shows one status region for this form and another (SharedFormStatus).
 */
export function TwoFactorChallengeForm({
  method,
  disabled = false,
  reportStatus,
}: {
  method: "totp" | "code" | null;
  disabled?: boolean;
  reportStatus?: (state: FormState<unknown>) => void;
}) {
  const [state, action] = useActionState(verifySecondFactorAction, initialFormState);
  return (
    <form action={action} className="mt-6" noValidate>
      <fieldset disabled={disabled} className="space-y-4">
        <SharedFormStatus state={state} report={reportStatus} />
        {method ? <input type="hidden" name="method" value={method} /> : null}
        <Field
          label="Code"
          name="code"
          autoComplete="one-time-code"
          inputMode={method ? "numeric" : "text"}
          autoCapitalize="none"
          spellCheck={false}
          autoFocus={!disabled}
          required
          hint={HINTS[method ?? "none"]}
          error={state.fieldErrors?.code}
          className="[&_input]:text-lg [&_input]:tracking-widest"
        />
        {method ? (
          <details className="text-sm text-slate-700">
            <summary className="cursor-pointer font-medium text-brand-700 hover:underline">Use a recovery code</summary>
            <p className="mt-2">
              Lost your phone? Type one of your recovery codes (like <span className="font-mono">abcd-efgh-jkmn</span>)
              in the Code field instead. Each works once.
            </p>
          </details>
        ) : null}
        <RememberBrowserChoice />
        {disabled ? (
          // Disabled by its own attribute, not only the fieldset's, so assistive technology and axe know it is.
          <button type="submit" disabled className={buttonClasses("primary", "w-full")}>
            Verify
          </button>
        ) : (
          <SubmitButton className="w-full" pendingLabel="Verifying…">
            Verify
          </SubmitButton>
        )}
      </fieldset>
    </form>
  );
}
