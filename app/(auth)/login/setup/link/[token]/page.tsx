import type { Metadata } from "next";
import Link from "next/link";
import { continueWithSetupLinkAction } from "@/app/(auth)/login/setup/link/[token]/actions";
import { AuthMessage, authLinkClass } from "@/components/auth-message";
import { RowActionForm } from "@/components/row-action-form";
import { signOutAction } from "@/app/(auth)/actions";
import { SignOutButton } from "@/components/sign-out-button";
import { getCurrentSession, requireSession } from "@/lib/auth/guards";
import { signInSetupLinkState } from "@/lib/data/required-setup";

export const metadata: Metadata = { title: "Set up two-factor authentication" };

function OtherBrowser() {
  return (
    <AuthMessage title="Open this link in the browser where you signed in">
      <p>
        This link works only in the browser, and the sign-in, that asked for it. Open it there, or sign in again in this
        browser to be sent a new link.
      </p>
      <p>
        <Link href="/login" className={authLinkClass}>
          Sign in
        </Link>
      </p>
    </AuthMessage>
  );
}

/**
 * The link emailed at sign-in. Opening it changes nothing: the button spends
 * it, and only in the session it was sent for.
 */
export default async function SignInSetupLinkPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const signedIn = await getCurrentSession();
  if (!signedIn || signedIn.session.stage === "active") return <OtherBrowser />;
  // A session on another step of signing in belongs on that step.
  const current = await requireSession("email_setup");
  const { user } = current;
  const state = await signInSetupLinkState(current, token);
  if (state === "other_session") return <OtherBrowser />;
  if (state === "invalid") {
    return (
      <AuthMessage
        title="This link no longer works"
        actions={
          <>
            <Link href="/login/setup/email" className={authLinkClass}>
              Send a new link
            </Link>
            <SignOutButton action={signOutAction} />
          </>
        }
      >
        <p>
          It has expired, has already been used, or a newer link was sent. Use the newest email, or send a new link.
        </p>
      </AuthMessage>
    );
  }
  return (
    <AuthMessage title="Your email address is confirmed" actions={<SignOutButton action={signOutAction} />}>
      <p>Signing in as {user.email}. Next, set up an authenticator app on your phone to finish signing in.</p>
      <RowActionForm
        action={continueWithSetupLinkAction}
        fields={{ token }}
        label="Continue to set up"
        pendingLabel="Continuing…"
        variant="primary"
        className="mt-4 flex flex-col items-start gap-2"
      />
    </AuthMessage>
  );
}
