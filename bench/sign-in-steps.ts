import { sessionCookie } from "@/lib/auth/cookie-definitions";
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

function sessionTokenOf(response: Response): string | undefined {
  for (const cookie of response.headers.getSetCookie()) {
    const [pair] = cookie.split(";");
    const separator = pair!.indexOf("=");
    if (pair!.slice(0, separator) === SESSION_COOKIE && separator < pair!.length - 1) return pair!.slice(separator + 1);
  }
  return undefined;
}

async function postAction(url: string, actionId: string, origin: string, fields: Record<string, string>, headers: Record<string, string>) {
  const response = await fetch(url, {
    method: "POST",
    body: formActionBody(fields),
    headers: { ...actionHeaders(origin, actionId), ...headers },
    redirect: "manual",
  });
  // Read to the end, as the browser does, so the whole answer is in the time.
  await response.arrayBuffer();
  return response;
}

/**
 * Email and password; `clientIp` stands for the address a reverse proxy would
 * append, one per virtual user as real users come from different addresses.
 */
export async function submitPassword(actions: SignInActions, input: { email: string; password: string; clientIp: string }): Promise<StepResult> {
  const response = await postAction(`${actions.origin}/login`, actions.passwordActionId, actions.origin, { email: input.email, password: input.password }, {
    "x-forwarded-for": input.clientIp,
  });
  const sessionToken = sessionTokenOf(response);
  if (response.status !== 200) return { ok: false, status: response.status, reason: "status" };
  if (!response.headers.get("x-action-redirect") || !sessionToken) return { ok: false, status: response.status, reason: "no redirect and session" };
  return { ok: true, sessionToken };
}

/** The authenticator code, from a half-signed-in session; success replaces the session with a new, active one. */
export async function submitCode(actions: SignInActions, input: { sessionToken: string; code: string; clientIp: string }): Promise<StepResult> {
  const response = await postAction(`${actions.origin}/login/two-factor`, actions.codeActionId, actions.origin, { code: input.code }, {
    cookie: `${SESSION_COOKIE}=${input.sessionToken}`,
    "x-forwarded-for": input.clientIp,
  });
  const sessionToken = sessionTokenOf(response);
  if (response.status !== 200) return { ok: false, status: response.status, reason: "status" };
  const redirect = response.headers.get("x-action-redirect")?.split(";")[0];
  if (redirect !== "/" || !sessionToken || sessionToken === input.sessionToken) {
    return { ok: false, status: response.status, reason: `redirect ${redirect ?? "none"}` };
  }
  return { ok: true, sessionToken };
}
