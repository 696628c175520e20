"use client";

import type { ComponentProps } from "react";
import { useFormStatus } from "react-dom";
import { buttonClasses, type ButtonVariant } from "@/components/ui/button-classes";

export { buttonClasses, type ButtonVariant };

/** A submit button that shows the form is busy and cannot be pressed twice. */
export function SubmitButton({
  children,
  pendingLabel,
  variant = "primary",
  className = "",
  ...props
}: ComponentProps<"button"> & { pendingLabel?: string; variant?: ButtonVariant }) {
  const { pending } = useFormStatus();
  return (
    <button
      type="submit"
      aria-disabled={pending}
      disabled={pending}
      className={buttonClasses(variant, className)}
      {...props}
    >
      {pending && pendingLabel ? pendingLabel : children}
    </button>
  );
}
