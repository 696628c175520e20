import { LocalTime } from "@/components/ui/local-time";
import type { Requirement } from "@/lib/two-factor/policy/requirement";

/** On the setup steps of a sign-in: until when setup may still be skipped, if it may. */
export function SetupGraceNotice({ requirement }: { requirement: Requirement }) {
  const graceUntil = requirement.level === "required" ? requirement.graceUntil : null;
  if (!graceUntil) return null;
  return (
    <p className="mt-3 rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
      You can skip this until <LocalTime date={graceUntil} />; after that it is needed to sign in.
    </p>
  );
}
