import { z } from "zod";
import { REQUIRED_SETUP_FLOWS, TWO_FACTOR_POLICIES } from "@/db/schema";
import { MAX_SESSION_DURATION_DAYS } from "@/lib/auth/cookie-definitions";
import { isSessionIdleChoice } from "@/lib/auth/session-settings";
import { duoKeyFields, duoSignInFields } from "@/lib/two-factor/duo/settings-schema";

const checkbox = z.literal("on").optional().transform(Boolean);

/** Who must use 2FA, and how: what the enforcement preview reads of the form too. */
const twoFactorFields = {
  twoFactorPolicy: z.enum(TWO_FACTOR_POLICIES, { error: "Choose Disabled, Optional or Required." }),
  allowTotp: checkbox,
  allowCode: checkbox,
  allowDuo: checkbox,
  allowPasskey: checkbox,
  twoFactorGraceDays: z.coerce
    .number({ error: "Enter a number of days." })
    .int({ error: "Enter a whole number of days." })
    .min(0, { error: "Use 0 for no grace period." })
    .max(90, { error: "The grace period is at most 90 days." }),
};

type TwoFactorFields = {
  twoFactorPolicy: string;
  allowTotp: boolean;
  allowCode: boolean;
  allowDuo: boolean;
  allowPasskey: boolean;
};

const someMethodAllowed = (input: TwoFactorFields) =>
  input.twoFactorPolicy === "disabled" || input.allowTotp || input.allowCode || input.allowDuo || input.allowPasskey;
const NO_METHOD = {
  error: "Allow at least one method, or set two-factor authentication to Disabled.",
  path: ["allowTotp"],
};

/** The "Sign-in policy" form of /admin/settings. */
export const organisationSettingsSchema = z
  .object({
    ...twoFactorFields,
    requiredSetupFlow: z.enum(REQUIRED_SETUP_FLOWS, {
      error: "Choose how people set up two-factor authentication at sign-in.",
    }),
    ...duoKeyFields,
    ...duoSignInFields,
    sessionDurationDays: z.coerce
      .number({ error: "Enter a number of days." })
      .int({ error: "Enter a whole number of days." })
      .min(1, { error: "Sessions last at least 1 day." })
      .max(MAX_SESSION_DURATION_DAYS, { error: `Sessions last at most ${MAX_SESSION_DURATION_DAYS} days.` }),
    sessionIdleMinutes: z.coerce
      .number({ error: "Choose how long a session may be idle." })
      .refine(isSessionIdleChoice, { error: "Choose one of the listed inactivity times." }),
    /** "Apply NIST AAL2 preset": the same save, with the AAL2 session limits. */
    preset: z.literal("nist_aal2").optional(),
  })
  .refine(someMethodAllowed, NO_METHOD);

/** The same form, as the confirmation's preview reads it before the save (lib/data/enforcement-preview.ts). */
export const enforcementPreviewSchema = z.object(twoFactorFields).refine(someMethodAllowed, NO_METHOD);

export type OrganisationSettingsInput = z.infer<typeof organisationSettingsSchema>;
