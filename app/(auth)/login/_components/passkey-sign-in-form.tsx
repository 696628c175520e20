"use client";

import { passwordlessOptionsAction, passwordlessSignInAction } from "@/app/(auth)/login/actions";
import { PasskeyAssertionForm } from "@/components/passkey-assertion-form";

/** "Sign in with a passkey": a discoverable credential with user verification, no password. */
export function PasskeySignInForm({ next }: { next?: string | null }) {
  return (
    <PasskeyAssertionForm
      optionsAction={passwordlessOptionsAction}
      verifyAction={passwordlessSignInAction}
      label="Sign in with a passkey"
      variant="secondary"
      className="space-y-3"
    >
      {next ? <input type="hidden" name="next" value={next} /> : null}
    </PasskeyAssertionForm>
  );
}
