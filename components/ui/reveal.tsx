"use client";

import { useState, type ReactNode } from "react";
import { buttonClasses, type ButtonVariant } from "@/components/ui/button";

/**
 * A button that gives way to the form it opens: the form's own submit button
 * can then carry the same name without two buttons ever sharing it.
 */
export function Reveal({
  label,
  accessibleName,
  variant = "secondary",
  children,
}: {
  label: string;
  /** A fuller name for screen readers, containing `label` ("Set up" → "Set up Duo"), where the context shows the rest. */
  accessibleName?: string;
  variant?: ButtonVariant;
  children: (close: () => void) => ReactNode;
}) {
  const [open, setOpen] = useState(false);
  if (open) return <>{children(() => setOpen(false))}</>;
  return (
    <button type="button" aria-label={accessibleName} className={buttonClasses(variant)} onClick={() => setOpen(true)}>
      {label}
    </button>
  );
}
