"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { formAction } from "@/lib/action";
import { requireLocalAccount, requireUser } from "@/lib/auth/guards";
import { newPasswordProblem } from "@/lib/auth/new-password-check";
import { changeOwnPassword, confirmOwnPassword, endOwnSession, updateOwnName } from "@/lib/data/profile";
import { fieldError } from "@/lib/messages";
import { notifyUser } from "@/lib/messaging/notify";
import { passwordChangeSchema, profileSchema } from "@/lib/profile-schemas";
import { passwordChanged } from "@/lib/messaging/security-emails";

export const updateProfileAction = formAction({
  guard: requireUser,
  schema: profileSchema,
  echo: ["name"],
  async handler({ name }, current) {
    await updateOwnName(current, name);
    revalidatePath("/", "layout");
    return { status: "success", message: "Your details were saved." };
  },
});

export const changePasswordAction = formAction({
  guard: requireLocalAccount,
  sensitive: true,
  schema: passwordChangeSchema,
  async handler({ currentPassword, newPassword }, current) {
    const { user, organisation } = current;
    const problem = newPasswordProblem(newPassword, {
      email: user.email,
      name: user.name,
      organisationName: organisation.name,
    });
    if (problem) return fieldError("newPassword", problem);
    const refusal = await confirmOwnPassword(current, currentPassword);
    if (refusal) return refusal;

    const signedOut = await changeOwnPassword(current, newPassword);
    await notifyUser(user, organisation, passwordChanged({ organisationName: organisation.name }));
    revalidatePath("/profile");
    return {
      status: "success",
      message:
        signedOut > 0
          ? `Password changed. ${signedOut} other session${signedOut === 1 ? " was" : "s were"} signed out.`
          : "Password changed.",
    };
  },
});

export const endSessionAction = formAction({
  guard: requireUser,
  schema: z.object({ session: z.string().min(1).max(100) }),
  async handler({ session: tokenHash }, current) {
    if (tokenHash === current.session.tokenHash)
      return { status: "error", message: "Use “Sign out” to end this session." };
    if (!(await endOwnSession(current, tokenHash)))
      return { status: "error", message: "That session has already ended." };
    revalidatePath("/profile");
    return { status: "success", message: "The session was signed out." };
  },
});
