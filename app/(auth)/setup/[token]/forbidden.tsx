import { AuthMessage } from "@/components/auth-message";
import { signOutAction } from "@/app/(auth)/actions";
import { SignOutButton } from "@/components/sign-out-button";

/** The setup link belongs to another account than the one signed in. */
export default function SetupLinkForbidden() {
  return (
    <AuthMessage title="This setup link is for someone else" actions={<SignOutButton action={signOutAction} />}>
      <p>It was sent to another account than the one you are signed in with, so it cannot be used here.</p>
      <p>If it was sent to you, sign out, then open the link again and sign in with the account it was sent to.</p>
    </AuthMessage>
  );
}
