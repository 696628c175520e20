"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { TwoFactorChallengeForm } from "@/app/(auth)/login/two-factor/_components/two-factor-challenge-form";
import { messages } from "@/lib/messages";

function secondsLeft(until: number): number {
  return Math.max(0, Math.ceil((until - Date.now()) / 1000));
}

function clock(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  return `${minutes}:${String(seconds % 60).padStart(2, "0")}`;
}

/**
 * The code form, disabled while the failure window holds the second step
 * back, under a countdown to the instant the server gave (`until`, ms since
 * the epoch). The clock ticks every second for the eye only; a polite live
 * region speaks once a minute, and once more when it is over. At zero the
 * page is loaded again: the server decides what the user may do next, and
 * its live form replaces this one (which stays disabled until then).
 */
export function PausedChallenge({ until }: { until: number }) {
  const router = useRouter();
  // The server's first render has no clock to read: it shows none until the browser's.
  const [left, setLeft] = useState<number | null>(null);
  useEffect(() => {
    const tick = () => {
      const seconds = secondsLeft(until);
      setLeft(seconds);
      if (seconds === 0) {
        window.clearInterval(timer);
        router.refresh();
      }
    };
    const timer = window.setInterval(tick, 1000);
    tick();
    return () => window.clearInterval(timer);
  }, [until, router]);
  const over = left === 0;
  const minutes = left === null ? null : Math.max(1, Math.ceil(left / 60));
  return (
    <>
      <p className="mt-4 flex items-baseline justify-between gap-3 rounded-lg bg-slate-100 px-4 py-3 text-sm text-slate-800">
        <span aria-live="polite" aria-atomic="true">
          {over ? messages.secondStepPausedOver : minutes ? messages.secondStepPausedCountdown(minutes) : null}
        </span>
        {left !== null && !over ? (
          <span aria-hidden="true" className="font-mono text-base font-semibold tabular-nums">
            {clock(left)}
          </span>
        ) : null}
      </p>
      {/* Disabled even at zero: the refresh replaces this form with the live one, which would drop a code typed here. */}
      <TwoFactorChallengeForm method={null} disabled />
    </>
  );
}
