import { z } from "zod";
import { DUO_BYPASS_ACTIONS } from "@/db/schema";
import { DUO_API_HOST_REFUSED, isAllowedDuoApiHost } from "@/lib/two-factor/duo/api-host";
import { getEnv } from "@/lib/env";

/** The Duo fields of the organisation settings, shared by "Save" and "Test connection". */
export const duoKeyFields = {
  duoIntegrationKey: z
    .string()
    .trim()
    .max(64)
    .refine((key) => key === "" || /^[A-Z0-9]{20}$/.test(key), {
      error: "An integration key is 20 letters and digits, like DIWJ8X6AEYOR5OMC6TQ1.",
    }),
  duoSecretKey: z
    .string()
    .trim()
    .max(128)
    .refine((key) => key === "" || /^[A-Za-z0-9]{40}$/.test(key), { error: "A secret key is 40 letters and digits." }),
  duoApiHostname: z
    .string()
    .trim()
    .toLowerCase()
    .max(253)
    // Duo's own hosts, or one the operator listed in DUO_ALLOWED_API_HOSTS (lib/duo/api-host.ts).
    .refine((host) => host === "" || isAllowedDuoApiHost(host, getEnv().DUO_ALLOWED_API_HOSTS), {
      error: DUO_API_HOST_REFUSED,
    }),
};

/** What a Duo "allow" without a second factor gets at sign-in (lib/duo/auth-context.ts); saved with the settings, not tested. */
export const duoSignInFields = {
  duoBypassAtSignIn: z.enum(DUO_BYPASS_ACTIONS, {
    error: "Choose what happens when Duo lets someone in without a second factor.",
  }),
};
