"use client";

import { useState, type ReactNode } from "react";
import { buttonClasses, type ButtonVariant } from "@/components/ui/button";

/**
 * A button that gives way to the form it opens: the form's own submit button
 * can then carry the same name without two buttons ever sharing it.
 */
export function Reveal({
  label,
  labelContext,
  variant = "secondary",
  children,
}: {
  label: string;
  /** Words after `label` that only screen readers hear, where the row shows them: "Set up" + "Duo". */
  labelContext?: string;
  variant?: ButtonVariant;
  children: (close: () => void) => ReactNode;
}) {
  const [open, setOpen] = useState(false);
  if (open) return <>{children(() => setOpen(false))}</>;
  return (
    <button type="button" className={buttonClasses(variant)} onClick={() => setOpen(true)}>
      {label}
      {labelContext ? <span className="sr-only"> {labelContext}</span> : null}
    </button>
  );
}
