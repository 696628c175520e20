import { z } from "zod";

/** The Duo fields of the organisation settings, shared by "Save" and "Test connection". */
export const duoKeyFields = {
  duoIntegrationKey: z
    .string()
    .trim()
    .max(64)
    .refine((key) => key === "" || /^[A-Z0-9]{20}$/.test(key), { error: "An integration key is 20 letters and digits, like DIWJ8X6AEYOR5OMC6TQ1." }),
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
    .refine((host) => host === "" || /^[a-z0-9.-]+(:\d{1,5})?$/.test(host), { error: "Enter a host name, like api-xxxxxxxx.duosecurity.com." }),
};
