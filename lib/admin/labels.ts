import type { Requirement } from "@/lib/two-factor/requirement";

export const REQUIREMENT_LABELS: Record<Requirement["level"], string> = {
  exempt: "Exempt (API account)",
  disabled: "Disabled",
  optional: "Optional",
  required: "Required",
};
