"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { formAction, type FormState } from "@/lib/action";
import { signIn } from "@/lib/auth/auth";
import { rememberNextPath } from "@/lib/flows/return-path-cookie";
import { confirmAccess, confirmAccessWithPasskey, passkeyConfirmationOptions } from "@/lib/flows/confirm-access";
import type { PasskeyOptions } from "@/lib/flows/passkey-second-factor";
import { passkeyMessages } from "@/lib/messages";
import { authenticationResponseField } from "@/lib/webauthn/response-schema";
import { redirectToDuoPrompt } from "@/lib/flows/duo-prompt";
import { requireLocalAccount, requireUser } from "@/lib/auth/guards";
import { safeNextPath } from "@/lib/auth/next-path";
import { PASSWORD_MAX_LENGTH } from "@/lib/auth/password-policy";
import { returnAfterConfirmedAccess } from "@/lib/auth/recent-authentication";
import { SSO_PROVIDER_ID } from "@/lib/auth/sso";
import { confirmsAtIdentityProvider, confirmPasswordForDuo, hasDuo } from "@/lib/data/sign-in";

const next = z.string().optional().transform(safeNextPath);

export const confirmAccessAction = formAction({
  guard: requireLocalAccount,
  schema: z.object({
    password: z
      .string()
      .min(1, { error: "Enter your password." })
      .max(PASSWORD_MAX_LENGTH, { error: "That is not your password." }),
    code: z.string().trim().max(64, { error: "That code is not valid." }).optional().default(""),
    next,
  }),
  async handler(input, current) {
    const refusal = await confirmAccess(current, input);
    if (refusal) return refusal;
    redirect(returnAfterConfirmedAccess(input.next ?? "/"));
  },
});

/**
 * For people whose second factor is Duo: the password here, then an approval
 * in Duo; coming back (lib/two-factor/duo/enrolment.ts) confirms access and returns to
 * `next`, which waits in the same cookie a sign-in's `next` does.
 */
export const confirmAccessWithDuoAction = formAction({
  guard: requireLocalAccount,
  schema: z.object({
    password: z
      .string()
      .min(1, { error: "Enter your password." })
      .max(PASSWORD_MAX_LENGTH, { error: "That is not your password." }),
    next,
  }),
  async handler(input, current) {
    if (!(await hasDuo(current))) return { status: "error", message: "Duo is not one of your methods." };
    const refusal = await confirmPasswordForDuo(current, input.password);
    if (refusal) return refusal;
    await rememberNextPath(input.next);
    return redirectToDuoPrompt(current, "confirm");
  },
});

/**
 * SSO users confirm at their identity provider, which must ask them to sign
 * in again whatever session it has (OpenID Connect `prompt=login`,
 * `max_age=0`); coming back starts a new, freshly authenticated session.
 */
export const confirmAccessWithSsoAction = formAction({
  guard: requireUser,
  schema: z.object({ next }),
  async handler(input, current) {
    if (!(await confirmsAtIdentityProvider(current))) {
      return { status: "error", message: "Confirm with your password instead." };
    }
    await signIn(
      SSO_PROVIDER_ID,
      { redirectTo: returnAfterConfirmedAccess(input.next ?? "/") },
      { prompt: "login", max_age: "0" },
    );
    return { status: "success" };
  },
});

/** "Confirm with a passkey": options offering the user's own passkeys. */
export const passkeyConfirmOptionsAction = formAction({
  guard: requireLocalAccount,
  schema: z.object({}),
  handler: (_input, current): Promise<FormState<PasskeyOptions>> => passkeyConfirmationOptions(current),
});

/** The password, and a passkey in place of a code. */
export const confirmAccessWithPasskeyAction = formAction({
  guard: requireLocalAccount,
  schema: z.object({
    password: z
      .string()
      .min(1, { error: "Enter your password." })
      .max(PASSWORD_MAX_LENGTH, { error: "That is not your password." }),
    response: authenticationResponseField(passkeyMessages.answerNotUnderstood),
    next,
  }),
  async handler(input, current) {
    const refusal = await confirmAccessWithPasskey(current, input);
    if (refusal) return refusal;
    redirect(returnAfterConfirmedAccess(input.next ?? "/"));
  },
});
