"use server";

import { eq } from "drizzle-orm";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { users } from "@/db/schema";
import { formAction } from "@/lib/action";
import { recordActorEvent } from "@/lib/audit";
import { requireLocalAccount, requireUser } from "@/lib/auth/guards";
import { confirmCurrentPassword } from "@/lib/auth/confirm-password";
import { newPasswordProblem } from "@/lib/auth/new-password-check";
import { hashPassword } from "@/lib/auth/passwords";
import { deleteSessionOfUser, deleteSessionsOfUser } from "@/lib/auth/sessions";
import { notifyUser } from "@/lib/messaging/notify";
import { passwordChangeSchema, profileSchema } from "@/lib/profile-schemas";
import { forgetTrustedBrowsersOfUser } from "@/lib/two-factor/sign-in/trusted-browsers";

export const updateProfileAction = formAction({
  guard: requireUser,
  schema: profileSchema,
  echo: ["name"],
  async handler({ name }, current) {
    const { user } = current;
    const db = getDb();
    db.update(users).set({ name }).where(eq(users.id, user.id)).run();
    recordActorEvent(db, current, "profile.updated", { targetUserId: user.id });
    revalidatePath("/", "layout");
    return { status: "success", message: "Your details were saved." };
  },
});

export const changePasswordAction = formAction({
  guard: requireLocalAccount,
  sensitive: true,
  schema: passwordChangeSchema,
  async handler({ currentPassword, newPassword }, current) {
    const { user, organisation, session, context } = current;
    const db = getDb();
    const problem = newPasswordProblem(newPassword, { email: user.email, name: user.name, organisationName: organisation.name });
    if (problem) return { status: "error", message: "Please correct the highlighted field.", fieldErrors: { newPassword: problem } };
    const refusal = await confirmCurrentPassword(db, user, currentPassword, context);
    if (refusal) return refusal;

    const newHash = await hashPassword(newPassword);
    const signedOut = db.transaction((tx) => {
      tx.update(users).set({ passwordHash: newHash, passwordChangedAt: new Date() }).where(eq(users.id, user.id)).run();
      // Whoever knew the old password may hold a session or a remembered
      // browser: end every session but this one, and forget every browser.
      forgetTrustedBrowsersOfUser(tx, user.id);
      return deleteSessionsOfUser(tx, user.id, { exceptTokenHash: session.tokenHash });
    });
    recordActorEvent(db, current, "password.changed", { targetUserId: user.id, details: { otherSessionsEnded: signedOut } });
    await notifyUser(user, organisation, {
      subject: "your password was changed",
      heading: "Your password was changed",
      paragraphs: [`The password of your ${organisation.name} account was just changed, and your other sessions were signed out.`],
    });
    revalidatePath("/profile");
    return {
      status: "success",
      message: signedOut > 0 ? `Password changed. ${signedOut} other session${signedOut === 1 ? " was" : "s were"} signed out.` : "Password changed.",
    };
  },
});

export const endSessionAction = formAction({
  guard: requireUser,
  schema: z.object({ session: z.string().min(1).max(100) }),
  async handler({ session: tokenHash }, current) {
    const { user, session } = current;
    if (tokenHash === session.tokenHash) return { status: "error", message: "Use “Sign out” to end this session." };
    const db = getDb();
    if (!deleteSessionOfUser(db, user.id, tokenHash)) return { status: "error", message: "That session has already ended." };
    recordActorEvent(db, current, "session.revoked", { targetUserId: user.id });
    revalidatePath("/profile");
    return { status: "success", message: "The session was signed out." };
  },
});
