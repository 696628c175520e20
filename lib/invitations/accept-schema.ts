import { z } from "zod";
import { nameSchema, newPasswordSchema } from "@/lib/profile-schemas";

/** What an invitee sends to accept: the link's token, their name and a new password, twice. */
export const acceptInvitationSchema = z
  .object({
    token: z.string().min(1).max(128),
    name: nameSchema,
    newPassword: newPasswordSchema,
    confirmPassword: z.string(),
  })
  .refine((input) => input.newPassword === input.confirmPassword, {
    error: "The two passwords do not match.",
    path: ["confirmPassword"],
  });
