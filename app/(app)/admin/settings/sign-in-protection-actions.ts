"use server";

import { eq } from "drizzle-orm";
import { revalidatePath } from "next/cache";
import { getDb } from "@/db";
import { organisations } from "@/db/schema";
import { formAction } from "@/lib/action";
import { requireSettingsAdmin } from "@/lib/admin/settings-admin";
import { recordActorEvent } from "@/lib/audit";
import { SIGN_IN_PROTECTION_BOUNDS, signInProtectionSchema, type SignInProtection } from "@/lib/organisations/sign-in-protection";

const FIELDS = Object.keys(SIGN_IN_PROTECTION_BOUNDS) as Array<keyof SignInProtection>;

/** "Sign-in protection": the failure limits of the organisation, guarded like every setting. */
export const updateSignInProtectionAction = formAction({
  guard: () => requireSettingsAdmin("settings.sign_in_protection"),
  sensitive: true,
  schema: signInProtectionSchema,
  echo: FIELDS,
  async handler(input, current) {
    const db = getDb();
    const where = eq(organisations.id, current.organisation.id);
    const before = db.select().from(organisations).where(where).get()!;
    const changed = Object.fromEntries(FIELDS.filter((field) => before[field] !== input[field]).map((field) => [field, input[field]]));
    if (Object.keys(changed).length === 0) return { status: "success", message: "Nothing to change." };
    db.update(organisations).set(input).where(where).run();
    recordActorEvent(db, current, "settings.updated", { details: { section: "sign_in_protection", ...changed } });
    revalidatePath("/admin/settings");
    return { status: "success", message: "Sign-in protection saved. The new limits apply from the next attempt." };
  },
});
