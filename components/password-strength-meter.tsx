"use client";

import { useEffect, useState } from "react";
import { PASSWORD_MIN_LENGTH } from "@/lib/auth/password-policy";

type Estimate = (password: string, userInputs: string[]) => number;

let estimator: Promise<Estimate> | null = null;

/**
 * zxcvbn and its dictionaries weigh about a megabyte: loaded on the first
 * keystroke, never with the page, and once for every meter on it.
 */
function loadEstimator(): Promise<Estimate> {
  estimator ??= Promise.all([
    import("@zxcvbn-ts/core"),
    import("@zxcvbn-ts/language-common"),
    import("@zxcvbn-ts/language-en"),
  ]).then(([core, common, english]) => {
    const zxcvbn = new core.ZxcvbnFactory({
      dictionary: { ...common.dictionary, ...english.dictionary },
      graphs: common.adjacencyGraphs,
      translations: english.translations,
    });
    return (password, userInputs) => zxcvbn.check(password, userInputs).score;
  });
  return estimator;
}

const LEVELS = [
  { label: "very weak", bar: "bg-red-600" },
  { label: "weak", bar: "bg-red-600" },
  { label: "fair", bar: "bg-amber-500" },
  { label: "good", bar: "bg-emerald-600" },
  { label: "strong", bar: "bg-emerald-700" },
] as const;

/** Waits for a pause in typing, so a screen reader announces the strength once, not at every key. */
const SETTLE_MS = 400;

/**
 * A guide while choosing a password (OWASP ASVS 5.0 V6.2.7 asks for one);
 * the server decides, and says why it refuses (lib/auth/new-password-check.ts).
 */
export function PasswordStrengthMeter({
  password,
  userInputs = [],
  id,
}: {
  password: string;
  userInputs?: string[];
  id: string;
}) {
  const [score, setScore] = useState<number | null>(null);
  const inputsKey = userInputs.join("\n");

  useEffect(() => {
    if (password.length < PASSWORD_MIN_LENGTH) return;
    let current = true;
    const timer = setTimeout(() => {
      void loadEstimator().then((estimate) => {
        if (current) setScore(estimate(password, inputsKey ? inputsKey.split("\n") : []));
      });
    }, SETTLE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [password, inputsKey]);

  const tooShort = password.length > 0 && password.length < PASSWORD_MIN_LENGTH;
  const level = !password || tooShort || score === null ? null : LEVELS[score];
  const text = tooShort ? "Strength: too short" : level ? `Strength: ${level.label}` : "";
  const filled = tooShort ? 1 : level ? Math.max(1, score ?? 0) : 0;
  return (
    <div className="mt-2">
      <div className="flex gap-1" aria-hidden="true" hidden={!password}>
        {[1, 2, 3, 4].map((segment) => (
          <span
            key={segment}
            className={`h-1.5 flex-1 rounded-full ${segment <= filled ? (level?.bar ?? "bg-red-600") : "bg-slate-200"}`}
          />
        ))}
      </div>
      <p id={id} aria-live="polite" className="mt-1 text-xs text-slate-700">
        {text}
      </p>
    </div>
  );
}
