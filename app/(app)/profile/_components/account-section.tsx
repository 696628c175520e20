import { ProfileUpdateForm } from "@/app/(app)/profile/_components/profile-update-form";
import { Card } from "@/components/ui/card";

/** "Your details": the name the user can change and the email they sign in with. */
export function AccountSection({ name, email }: { name: string; email: string }) {
  return (
    <Card title="Your details" id="details">
      <ProfileUpdateForm name={name} email={email} />
    </Card>
  );
}
