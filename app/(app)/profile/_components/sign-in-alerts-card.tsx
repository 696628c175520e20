import { SignInAlertsForm } from "@/app/(app)/profile/_components/sign-in-alerts-form";
import { Card } from "@/components/ui/card";

/** The "New sign-in to Twofold" preference on /profile. */
export function SignInAlertsCard({ on }: { on: boolean }) {
  return (
    <Card
      title="Sign-in alerts"
      id="sign-in-alerts-card"
      description="Know when someone signs in to your account from somewhere new."
    >
      <SignInAlertsForm on={on} />
    </Card>
  );
}
