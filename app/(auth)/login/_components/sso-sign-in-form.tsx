import { signInWithSsoAction } from "@/app/(auth)/login/actions";
import { SubmitButton } from "@/components/ui/button";

/**
 * "Sign in with SSO": off to the organisation's identity provider, which
 * brings the browser back signed in. Its refusals come back to /login as notices.
 */
export function SsoSignInForm() {
  return (
    <form action={signInWithSsoAction}>
      <SubmitButton variant="secondary" className="w-full" pendingLabel="Opening your identity provider…">
        Sign in with SSO
      </SubmitButton>
    </form>
  );
}
