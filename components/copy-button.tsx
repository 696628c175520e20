"use client";

import { useState } from "react";
import { buttonClasses, type ButtonVariant } from "@/components/ui/button-classes";

/**
 * Copies `text` and says so in a live region beside the button. The clipboard
 * needs a secure context (HTTPS or localhost); where it is refused, the user
 * is told to select and copy by hand rather than left wondering.
 */
export function CopyButton({
  text,
  label,
  variant = "secondary",
  className = "",
}: {
  text: string;
  label: string;
  variant?: ButtonVariant;
  className?: string;
}) {
  const [result, setResult] = useState<"copied" | "failed" | null>(null);

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setResult("copied");
    } catch {
      setResult("failed");
    }
  }

  return (
    <span className="inline-flex flex-wrap items-center gap-x-3 gap-y-1">
      <button type="button" className={buttonClasses(variant, className)} onClick={copy}>
        {label}
      </button>
      <span aria-live="polite" className={`text-sm ${result === "failed" ? "text-red-700" : "text-emerald-700"}`}>
        {result === "copied"
          ? "Copied"
          : result === "failed"
            ? "Copying was refused: select the text and copy it."
            : ""}
      </span>
    </span>
  );
}
