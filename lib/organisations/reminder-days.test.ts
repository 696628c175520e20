import { describe, expect, it } from "vitest";
import { reminderDaysSchema } from "@/lib/organisations/reminder-days";

describe("the reminder setting", () => {
  it.each([
    ["", null],
    ["  ", null],
    ["1", 1],
    [" 7 ", 7],
    ["30", 30],
  ])("accepts %j as %j", (input, expected) => {
    expect(reminderDaysSchema.parse({ reminderDaysBeforeDeadline: input }).reminderDaysBeforeDeadline).toBe(expected);
  });

  it.each(["0", "31", "-1", "2.5", "seven", "1e1", "99999999999"])("refuses %j with a message", (input) => {
    const result = reminderDaysSchema.safeParse({ reminderDaysBeforeDeadline: input });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe("Enter 1 to 30 days, or leave it empty for no reminders.");
  });
});
