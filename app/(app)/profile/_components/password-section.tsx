import { PasswordChangeForm } from "@/app/(app)/profile/_components/password-change-form";
import { Card } from "@/components/ui/card";

/** "Password": local accounts only (an SSO user's password is their identity provider's). */
export function PasswordSection() {
  return (
    <Card title="Password" id="password" description="Changing it signs out your other sessions.">
      <PasswordChangeForm />
    </Card>
  );
}
