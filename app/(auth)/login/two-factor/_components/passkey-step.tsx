"use client";

import { useState } from "react";
import {
  passkeyChallengeOptionsAction,
  verifyPasskeyChallengeAction,
} from "@/app/(auth)/login/two-factor/passkey-actions";
import { RememberBrowserChoice } from "@/app/(auth)/login/two-factor/_components/remember-browser-choice";
import { TwoFactorChallengeForm } from "@/app/(auth)/login/two-factor/_components/two-factor-challenge-form";
import { PasskeyAssertionForm } from "@/components/passkey-assertion-form";
import { FormStatus } from "@/components/ui/form-status";
import { initialFormState, type FormState } from "@/lib/action";

/**
 * The second step with a passkey: "Use a passkey or security key", and a
 * recovery code under a disclosure. Both forms answer in one live region, the
 * newest answer replacing the last, so a screen reader hears each message
 * once and from one place (WCAG 2.1 SC 4.1.3).
 */
export function PasskeyStep() {
  const [status, setStatus] = useState<FormState<unknown>>(initialFormState);
  return (
    <>
      <div className="mt-6 space-y-4">
        <FormStatus state={status} />
        <PasskeyAssertionForm
          optionsAction={passkeyChallengeOptionsAction}
          verifyAction={verifyPasskeyChallengeAction}
          label="Use a passkey or security key"
          reportStatus={setStatus}
          className="space-y-4"
        >
          <RememberBrowserChoice id="remember-passkey" />
        </PasskeyAssertionForm>
      </div>
      <details className="mt-4 text-sm text-slate-700">
        <summary className="cursor-pointer font-medium text-brand-700 hover:underline">Use a recovery code</summary>
        <TwoFactorChallengeForm key="recovery" method={null} reportStatus={setStatus} />
      </details>
    </>
  );
}
