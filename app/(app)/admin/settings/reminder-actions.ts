"use server";

import { revalidatePath } from "next/cache";
import { formAction } from "@/lib/action";
import { requireSettingsAdmin } from "@/lib/admin/settings-admin";
import { saveReminderDays } from "@/lib/data/reminder-settings";
import { reminderDaysSchema } from "@/lib/organisations/reminder-days";

/** "Remind people N days before their grace period ends": guarded like every setting. */
export const updateReminderDaysAction = formAction({
  guard: () => requireSettingsAdmin("settings.reminders"),
  schema: reminderDaysSchema,
  echo: ["reminderDaysBeforeDeadline"],
  async handler({ reminderDaysBeforeDeadline }, current) {
    const changed = await saveReminderDays(current, reminderDaysBeforeDeadline);
    if (!changed) return { status: "success", message: "Nothing to change." };
    revalidatePath("/admin/settings");
    return {
      status: "success",
      message:
        reminderDaysBeforeDeadline === null
          ? "Saved. No reminders are sent."
          : `Saved. People are reminded ${reminderDaysBeforeDeadline} ${reminderDaysBeforeDeadline === 1 ? "day" : "days"} before their grace period ends.`,
    };
  },
});
