"use server";

import { eq } from "drizzle-orm";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { users } from "@/db/schema";
import { formAction } from "@/lib/action";
import { recordAuditEvent } from "@/lib/audit";
import { requireUser } from "@/lib/auth/guards";
import { checkPassword } from "@/lib/auth/password-sign-in";
import { hashPassword } from "@/lib/auth/passwords";
import { minutesUntil } from "@/lib/auth/attempt-limiter";
import { deleteSessionOfUser, deleteSessionsOfUser } from "@/lib/auth/sessions";
import { sendEmail } from "@/lib/messaging";
import { notificationEmail } from "@/lib/messaging/email-template";
import { passwordChangeSchema, profileSchema } from "@/lib/profile-schemas";

export const updateProfileAction = formAction({
  guard: requireUser,
  schema: profileSchema,
  echo: ["name", "mobileNumber"],
  async handler({ name, mobileNumber }, { user, context }) {
    const db = getDb();
    const current = db.select({ mobileNumber: users.mobileNumber }).from(users).where(eq(users.id, user.id)).get()!;
    const mobileChanged = current.mobileNumber !== mobileNumber;
    db.update(users)
      // A new number must be proven before codes go to it.
      .set({ name, mobileNumber, ...(mobileChanged ? { mobileVerifiedAt: null } : {}) })
      .where(eq(users.id, user.id))
      .run();
    recordAuditEvent(db, {
      type: "profile.updated",
      organisationId: user.organisationId,
      actorUserId: user.id,
      targetUserId: user.id,
      context,
      details: { mobileNumberChanged: mobileChanged },
    });
    revalidatePath("/", "layout");
    return { status: "success", message: "Your details were saved." };
  },
});

export const changePasswordAction = formAction({
  guard: requireUser,
  schema: passwordChangeSchema,
  async handler({ currentPassword, newPassword }, { user, organisation, session, context }) {
    const db = getDb();
    const { passwordHash } = db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, user.id)).get()!;
    const check = await checkPassword(db, { email: user.email, ip: context.ip, passwordHash, password: currentPassword });
    if (check.outcome === "throttled") {
      return { status: "error", message: `Too many wrong passwords. Try again in ${minutesUntil(check.retryAt)} minutes.` };
    }
    if (check.outcome === "wrong") {
      return { status: "error", message: "Please correct the highlighted fields.", fieldErrors: { currentPassword: "That is not your current password." } };
    }

    const newHash = await hashPassword(newPassword);
    const signedOut = db.transaction((tx) => {
      tx.update(users).set({ passwordHash: newHash, passwordChangedAt: new Date() }).where(eq(users.id, user.id)).run();
      // Whoever knew the old password may hold a session: end all but this one.
      return deleteSessionsOfUser(tx, user.id, { exceptTokenHash: session.tokenHash });
    });
    recordAuditEvent(db, {
      type: "password.changed",
      organisationId: user.organisationId,
      actorUserId: user.id,
      targetUserId: user.id,
      context,
      details: { otherSessionsEnded: signedOut },
    });
    await sendEmail({
      to: user.email,
      subject: `Your ${organisation.name} password was changed`,
      ...notificationEmail({
        organisationName: organisation.name,
        heading: "Your password was changed",
        paragraphs: [
          `Hello ${user.name}, the password of your ${organisation.name} account was just changed, and your other sessions were signed out.`,
          "If you did not do this, contact your administrator straight away.",
        ],
      }),
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
  async handler({ session: tokenHash }, { user, session, context }) {
    if (tokenHash === session.tokenHash) return { status: "error", message: "Use “Sign out” to end this session." };
    const db = getDb();
    if (!deleteSessionOfUser(db, user.id, tokenHash)) return { status: "error", message: "That session has already ended." };
    recordAuditEvent(db, {
      type: "session.revoked",
      organisationId: user.organisationId,
      actorUserId: user.id,
      targetUserId: user.id,
      context,
    });
    revalidatePath("/profile");
    return { status: "success", message: "The session was signed out." };
  },
});
