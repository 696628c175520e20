"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { formAction, type FormState } from "@/lib/action";
import { requireLocalAccount } from "@/lib/auth/guards";
import {
  finishOwnPasskeyRegistration,
  removeOwnPasskey,
  renameOwnPasskey,
  startOwnPasskeyRegistration,
  type PasskeyRegistrationStart,
} from "@/lib/data/profile-passkeys";
import { passkeyMessages } from "@/lib/messages";
import { passkeyNameSchema } from "@/lib/webauthn/passkey-name";
import { registrationResponseField } from "@/lib/webauthn/response-schema";
import { databaseId } from "@/lib/database-id";

const passkeyId = databaseId(passkeyMessages.notFound);

/** "Add a passkey", first half: the options for the browser's ceremony (after a fresh confirmation of access). */
export const startPasskeyRegistrationAction = formAction({
  guard: requireLocalAccount,
  sensitive: true,
  schema: z.object({ name: passkeyNameSchema }),
  echo: ["name"],
  handler: (_input, current): Promise<FormState<PasskeyRegistrationStart>> => startOwnPasskeyRegistration(current),
});

/** "Add a passkey", second half: the browser's answer, verified and stored under the user's name for it. */
export const finishPasskeyRegistrationAction = formAction({
  guard: requireLocalAccount,
  sensitive: true,
  schema: z.object({
    name: passkeyNameSchema,
    response: registrationResponseField(passkeyMessages.answerNotUnderstood),
  }),
  echo: ["name"],
  async handler(input, current) {
    const result = await finishOwnPasskeyRegistration(current, input);
    if (result.status === "success") revalidatePath("/", "layout");
    return result;
  },
});

export const renamePasskeyAction = formAction({
  guard: requireLocalAccount,
  schema: z.object({ passkey: passkeyId, name: passkeyNameSchema }),
  echo: ["name"],
  async handler({ passkey, name }, current) {
    if (!(await renameOwnPasskey(current, passkey, name)))
      return { status: "error", message: passkeyMessages.notFound };
    revalidatePath("/profile");
    return { status: "success", message: passkeyMessages.renamed };
  },
});

export const removePasskeyAction = formAction({
  guard: requireLocalAccount,
  sensitive: true,
  schema: z.object({ passkey: passkeyId }),
  async handler({ passkey }, current) {
    const name = await removeOwnPasskey(current, passkey);
    if (name === null) return { status: "error", message: passkeyMessages.notFound };
    revalidatePath("/", "layout");
    return { status: "success", message: passkeyMessages.removed(name) };
  },
});
