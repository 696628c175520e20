"use client";

import { useEffect } from "react";
import { browserSupportsWebAuthnAutofill, WebAuthnAbortService } from "@simplewebauthn/browser";
import { passwordlessOptionsAction, passwordlessSignInAction } from "@/app/(auth)/login/actions";
import { assertWithPasskey } from "@/components/passkey-ceremony";
import { initialFormState, type FormState } from "@/lib/action";

/**
 * Conditional UI: where the browser supports it, the email field offers the
 * user's passkeys among its suggestions; choosing one signs in without a
 * password. The pending request is cancelled before a password sign-in (or
 * the passkey button) starts, so it never stands in their way.
 */
export function usePasskeyAutofill(next: string | null | undefined, onAnswer: (state: FormState) => void): void {
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      if (!(await browserSupportsWebAuthnAutofill()) || cancelled) return;
      const started = await passwordlessOptionsAction(initialFormState as FormState<never>, new FormData());
      if (cancelled || started.status !== "success" || !started.data) return;
      const ceremony = await assertWithPasskey(started.data.options, true);
      // Cancelled (a password sign-in began, or the page left): nothing to say.
      if (cancelled || !ceremony.ok) return;
      const answer = new FormData();
      answer.set("response", ceremony.json);
      if (next) answer.set("next", next);
      const result = await passwordlessSignInAction(initialFormState, answer);
      if (!cancelled) onAnswer(result);
    })().catch(() => undefined);
    return () => {
      cancelled = true;
      WebAuthnAbortService.cancelCeremony();
    };
  }, [next, onAnswer]);
}

/** Before anything else signs in: the autofill's pending request must not hold the browser's one WebAuthn slot. */
export function cancelPasskeyAutofill(): void {
  WebAuthnAbortService.cancelCeremony();
}
