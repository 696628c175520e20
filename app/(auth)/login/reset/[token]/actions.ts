"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { formAction } from "@/lib/action";
import { allowAnyone } from "@/lib/auth/guards";
import { resetPasswordThroughLink } from "@/lib/data/password-reset";
import { EMAIL_LINK_TOKEN_MAX_LENGTH } from "@/lib/email-links";
import { fieldError } from "@/lib/messages";
import { newPasswordSchema } from "@/lib/profile-schemas";
import { requestContext } from "@/lib/request-context";

const resetSchema = z
  .object({
    token: z.string().min(1).max(EMAIL_LINK_TOKEN_MAX_LENGTH),
    newPassword: newPasswordSchema,
    confirmPassword: z.string(),
  })
  .refine((input) => input.newPassword === input.confirmPassword, {
    error: "The two passwords do not match.",
    path: ["confirmPassword"],
  });

// Public: the emailed link is the credential, and it grants only a new password, never a session.
export const resetPasswordAction = formAction({
  guard: allowAnyone,
  schema: resetSchema,
  async handler({ token, newPassword }) {
    const result = await resetPasswordThroughLink(token, newPassword, requestContext(await headers()));
    if (!result.ok) {
      if (result.reason === "weak_password") return fieldError("newPassword", result.problem);
      return {
        status: "error",
        message: "This link can no longer be used: it was used already, or it expired. Ask for a new one.",
      };
    }
    // Signed in as usual from here: the password, then the second factor.
    redirect("/login?reason=password-reset");
  },
});
