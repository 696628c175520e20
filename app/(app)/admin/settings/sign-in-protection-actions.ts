"use server";

import { revalidatePath } from "next/cache";
import { formAction } from "@/lib/action";
import { requireSettingsAdmin } from "@/lib/admin/settings-admin";
import { saveSignInProtection } from "@/lib/data/organisation-settings";
import {
  SIGN_IN_PROTECTION_BOUNDS,
  signInProtectionSchema,
  type SignInProtection,
} from "@/lib/organisations/sign-in-protection";

const FIELDS = Object.keys(SIGN_IN_PROTECTION_BOUNDS) as Array<keyof SignInProtection>;

/** "Sign-in protection": the failure limits of the organisation, guarded like every setting. */
export const updateSignInProtectionAction = formAction({
  guard: () => requireSettingsAdmin("settings.sign_in_protection"),
  sensitive: true,
  schema: signInProtectionSchema,
  echo: FIELDS,
  async handler(input, current) {
    if (!(await saveSignInProtection(current, input))) return { status: "success", message: "Nothing to change." };
    revalidatePath("/admin/settings");
    return { status: "success", message: "Sign-in protection saved. The new limits apply from the next attempt." };
  },
});
