import { sessionCookie } from "@/lib/auth/cookie-definitions";
import { post, type Answer } from "./http-client";
import { actionHeaders, formActionBody, serverActionId } from "./server-actions";

/*
 * The two steps of signing in, each one POST of the real server action. A
 * step counts as done only if it ends as a browser's would: the action
 * redirects (x-action-redirect) and hands over a session cookie.
 */

const SESSION_COOKIE = sessionCookie(false).name;

export type SignInActions = { origin: string; passwordActionId: string; codeActionId: string };

export function signInActions(origin: string): SignInActions {
  return {
    origin,
    passwordActionId: serverActionId("app/(auth)/login/actions.ts", "signInAction"),
    codeActionId: serverActionId("app/(auth)/login/two-factor/actions.ts", "verifySecondFactorAction"),
  };
}

export type StepResult = { ok: true; sessionToken: string } | { ok: false; status: number; reason: string };

function sessionTokenOf(answer: Answer): string | undefined {
  for (const cookie of answer.headers["set-cookie"] ?? []) {
    const [pair] = cookie.split(";");
    const separator = pair!.indexOf("=");
    if (pair!.slice(0, separator) === SESSION_COOKIE && separator < pair!.length - 1) return pair!.slice(separator + 1);
  }
  return undefined;
}

function postAction(
  url: string,
  actionId: string,
  origin: string,
  fields: Record<string, string>,
  headers: Record<string, string>,
): Promise<Answer> {
  const { body, contentType } = formActionBody(fields);
  return post(url, { ...actionHeaders(origin, actionId), "content-type": contentType, ...headers }, body);
}

/** Where the action sent the browser: Next's x-action-redirect, "path;push". */
const redirectOf = (answer: Answer) => String(answer.headers["x-action-redirect"] ?? "").split(";")[0] || undefined;

/**
 * Email and password; `clientIp` stands for the address a reverse proxy would
 * append, one per virtual user as real users come from different addresses.
 */
export async function submitPassword(
  actions: SignInActions,
  input: { email: string; password: string; clientIp: string },
): Promise<StepResult> {
  const answer = await postAction(
    `${actions.origin}/login`,
    actions.passwordActionId,
    actions.origin,
    { email: input.email, password: input.password },
    {
      "x-forwarded-for": input.clientIp,
    },
  );
  const sessionToken = sessionTokenOf(answer);
  if (answer.status !== 200) return { ok: false, status: answer.status, reason: "status" };
  if (!redirectOf(answer) || !sessionToken)
    return { ok: false, status: answer.status, reason: "no redirect and session" };
  return { ok: true, sessionToken };
}

/** The authenticator code, from a half-signed-in session; success replaces the session with a new, active one. */
export async function submitCode(
  actions: SignInActions,
  input: { sessionToken: string; code: string; clientIp: string },
): Promise<StepResult> {
  const answer = await postAction(
    `${actions.origin}/login/two-factor`,
    actions.codeActionId,
    actions.origin,
    { code: input.code },
    {
      cookie: `${SESSION_COOKIE}=${input.sessionToken}`,
      "x-forwarded-for": input.clientIp,
    },
  );
  const sessionToken = sessionTokenOf(answer);
  if (answer.status !== 200) return { ok: false, status: answer.status, reason: "status" };
  const redirect = redirectOf(answer);
  if (redirect !== "/" || !sessionToken || sessionToken === input.sessionToken) {
    return { ok: false, status: answer.status, reason: `redirect ${redirect ?? "none"}` };
  }
  return { ok: true, sessionToken };
}
