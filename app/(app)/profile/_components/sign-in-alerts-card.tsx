import { SignInAlertsForm } from "@/app/(app)/profile/_components/sign-in-alerts-form";
import { Card } from "@/components/ui/card";
import { getDb } from "@/db";
import { signInAlertsOn } from "@/lib/auth/sign-in-alert-preference";

/** The "New sign-in to Twofold" preference on /profile; the page has already checked who is signed in. */
export function SignInAlertsCard({ userId }: { userId: number }) {
  return (
    <Card title="Sign-in alerts" id="sign-in-alerts-card" description="Know when someone signs in to your account from somewhere new.">
      <SignInAlertsForm on={signInAlertsOn(getDb(), userId)} />
    </Card>
  );
}
