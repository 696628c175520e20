"use server";

import { AuthError } from "next-auth";
import { redirect } from "next/navigation";
import { z } from "zod";
import { formAction, type FormState } from "@/lib/action";
import type { PasskeyOptions } from "@/lib/flows/passkey-second-factor";
import { finishPasswordlessSignIn, startPasswordlessSignIn } from "@/lib/flows/passwordless-sign-in";
import { authenticationResponseField } from "@/lib/webauthn/response-schema";
import { rememberNextPath } from "@/lib/flows/return-path-cookie";
import { signIn, SignInRefused } from "@/lib/auth/auth";
import { SSO_PROVIDER_ID, ssoConfigured } from "@/lib/auth/sso";
import { getEnv } from "@/lib/env";
import { allowAnyone } from "@/lib/auth/guards";
import { safeNextPath } from "@/lib/auth/next-path";
import { signInSchema } from "@/lib/auth/sign-in-schema";
import { busyMessage } from "@/lib/auth/hashing-queue";
import { inMinutes, passkeyMessages } from "@/lib/messages";

function refusalMessage(code: string): string {
  if (code.startsWith("throttled:")) {
    return `Too many failed sign-ins. Try again in ${inMinutes(new Date(Number(code.slice("throttled:".length))))}.`;
  }
  if (code.startsWith("busy:")) return busyMessage(Number(code.slice("busy:".length)) || 1);
  switch (code) {
    case "disabled":
      return "This account has been disabled. Contact your administrator.";
    case "api_account":
      return "This is an API account: it can use the API but cannot sign in here.";
    default:
      return "Incorrect email or password.";
  }
}

export const signInAction = formAction({
  guard: allowAnyone,
  // `next`: where to go once signed in (from /login?next=…); an unsafe one is ignored, not an error.
  schema: signInSchema.extend({ next: z.string().optional().transform(safeNextPath) }),
  echo: ["email"],
  async handler({ email, password, next }) {
    // Carried through the second-factor or setup steps, if there are any.
    await rememberNextPath(next);
    try {
      await signIn("credentials", { email, password, redirectTo: next ?? "/" });
    } catch (error) {
      // signIn redirects by throwing; only a refusal is ours to turn into a message.
      if (error instanceof SignInRefused) return { status: "error", message: refusalMessage(error.code) };
      throw error;
    }
    return { status: "success" };
  },
});

/**
 * Starts the OpenID Connect round trip; the identity provider's callback
 * finishes it at /api/auth/callback/sso. A failure comes back to /login as a
 * notice, so the page keeps a single status region.
 */
export async function signInWithSsoAction(): Promise<void> {
  await allowAnyone();
  if (!ssoConfigured(getEnv())) redirect("/login?reason=sso-not-configured");
  try {
    await signIn(SSO_PROVIDER_ID, { redirectTo: "/" });
  } catch (error) {
    // signIn redirects by throwing; an Auth.js error means the provider's discovery document could not be used.
    if (!(error instanceof AuthError)) throw error;
    console.error(error);
  }
  redirect("/login?reason=sso-unreachable");
}

/** "Sign in with a passkey" and the email field's autofill: options for a discoverable credential. */
export const passwordlessOptionsAction = formAction({
  guard: allowAnyone,
  schema: z.object({}),
  handler: (): Promise<FormState<PasskeyOptions>> => startPasswordlessSignIn(),
});

/** The passkey's answer: a full sign-in, with no password and no further step, or a clear refusal. */
export const passwordlessSignInAction = formAction({
  guard: allowAnyone,
  schema: z.object({
    response: authenticationResponseField(passkeyMessages.answerNotUnderstood),
    next: z.string().optional().transform(safeNextPath),
  }),
  handler: ({ response, next }) => finishPasswordlessSignIn({ response, next: next ?? null }),
});
