import { Field } from "@/components/ui/field";
import { PASSWORD_MIN_LENGTH } from "@/lib/auth/password-policy";

/** "New password" and "Confirm new password", wherever someone chooses a password. */
export function NewPasswordFields({ errors }: { errors?: Record<string, string> }) {
  return (
    <>
      <Field
        label="New password"
        name="newPassword"
        type="password"
        autoComplete="new-password"
        required
        hint={`At least ${PASSWORD_MIN_LENGTH} characters. A passphrase is easiest to remember.`}
        error={errors?.newPassword}
      />
      <Field label="Confirm new password" name="confirmPassword" type="password" autoComplete="new-password" required error={errors?.confirmPassword} />
    </>
  );
}
