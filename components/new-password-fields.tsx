"use client";

import { useEffect, useRef, useState } from "react";
import { PasswordStrengthMeter } from "@/components/password-strength-meter";
import { Field } from "@/components/ui/field";
import { PASSWORD_MIN_LENGTH } from "@/lib/auth/password-policy";

/**
 * "New password" and "Confirm new password", wherever someone chooses a
 * password, with a strength meter. `userInputs`: the person's own details
 * (email, name, organisation), which the meter counts as easy to guess.
 */
export function NewPasswordFields({ errors, userInputs }: { errors?: Record<string, string>; userInputs?: string[] }) {
  const [password, setPassword] = useState("");
  const wrapper = useRef<HTMLDivElement>(null);

  // A form action resets the form afterwards: the meter must forget the password too.
  useEffect(() => {
    const form = wrapper.current?.closest("form");
    const forget = () => setPassword("");
    form?.addEventListener("reset", forget);
    return () => form?.removeEventListener("reset", forget);
  }, []);

  return (
    <>
      <div ref={wrapper}>
        <Field
          label="New password"
          name="newPassword"
          type="password"
          autoComplete="new-password"
          required
          hint={`At least ${PASSWORD_MIN_LENGTH} characters. A passphrase is easiest to remember. Common passwords and your own name or email address are refused.`}
          error={errors?.newPassword}
          onChange={(event) => setPassword(event.currentTarget.value)}
        />
        <PasswordStrengthMeter password={password} userInputs={userInputs} id="newPassword-strength" />
      </div>
      <Field
        label="Confirm new password"
        name="confirmPassword"
        type="password"
        autoComplete="new-password"
        required
        error={errors?.confirmPassword}
      />
    </>
  );
}
