import { z } from "zod";
import { REMINDER_DAYS_BOUNDS } from "@/lib/organisations/reminder-days-bounds";

const { min, max } = REMINDER_DAYS_BOUNDS;

/** Empty: no reminders; else a whole number of days from 1 to 30. */
export const reminderDaysSchema = z.object({
  reminderDaysBeforeDeadline: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const text = (value ?? "").trim();
      if (text === "") return null;
      const days = /^\d{1,6}$/.test(text) ? Number(text) : Number.NaN;
      if (!Number.isInteger(days) || days < min || days > max) {
        ctx.addIssue({ code: "custom", message: `Enter ${min} to ${max} days, or leave it empty for no reminders.` });
        return z.NEVER;
      }
      return days;
    }),
});
