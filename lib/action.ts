import { busyMessage, HashingBusy } from "@/lib/auth/hashing-busy";
import type { z } from "zod";
import { isRecentlyAuthenticated, type AuthenticatedSession } from "@/lib/auth/recent-authentication";
import { fieldErrors as formFieldErrors, messages } from "@/lib/messages";

/** What every form action returns: one shape, so every form renders errors the same accessible way. */
export type FormState<Data = never> = {
  /** `reauthenticate`: nothing was done; the form sends the user to /confirm-access and resubmits on return. */
  status: "idle" | "error" | "success" | "reauthenticate";
  message?: string;
  fieldErrors?: Record<string, string>;
  /** Non-secret values to put back in the form after an error, never passwords. */
  values?: Record<string, string>;
  /** What a successful action hands the form to show, such as a QR code. */
  data?: Data;
};

export const initialFormState: FormState = { status: "idle" };

export const REAUTHENTICATION_MESSAGE = "Confirm it's you to continue: you'll be back here straight after.";

type FormSchema = z.ZodType<Record<string, unknown>, Record<string, unknown>>;

/** Files and repeated keys have no place in our forms: keep each field's first string value. */
function fieldsOf(formData: FormData): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [key, value] of formData) {
    if (typeof value === "string" && !(key in fields) && !key.startsWith("$ACTION")) fields[key] = value;
  }
  return fields;
}

/**
 * Builds a form action that runs its guard first (so a direct POST without the
 * right session is refused before any input is read), then validates the
 * form with zod and hands the handler typed input.
 */
export function formAction<Schema extends FormSchema, Guarded, Data = never>(options: {
  guard: () => Promise<Guarded>;
  /**
   * A sensitive change: refused with `reauthenticate` unless the session
   * proved who it is within the last 15 minutes (lib/auth/recent-authentication.ts).
   * `true` is checked before the input is read; a function of the parsed
   * input (an action whose sensitivity depends on what it is asked to do,
   * such as the bulk actions' choice) after parsing, before the handler.
   */
  sensitive?: Guarded extends AuthenticatedSession ? boolean | ((input: z.output<Schema>) => boolean) : never;
  schema: Schema;
  /** Fields safe to send back to the browser with an error. */
  echo?: readonly string[];
  handler: (input: z.output<Schema>, guarded: Guarded) => Promise<FormState<Data>>;
}) {
  return async function action(_previous: FormState<Data>, formData: FormData): Promise<FormState<Data>> {
    const guarded = await options.guard();
    // A hand-made POST can call an action with anything at all.
    if (!(formData instanceof FormData)) return { status: "error", message: messages.notUnderstood };
    // Checked before the input is even read: a stale session changes nothing, however well-formed its request.
    const reauthenticate = (): FormState<Data> | null =>
      isRecentlyAuthenticated(guarded as AuthenticatedSession)
        ? null
        : { status: "reauthenticate", message: REAUTHENTICATION_MESSAGE };
    if (options.sensitive === true) {
      const refused = reauthenticate();
      if (refused) return refused;
    }
    const fields = fieldsOf(formData);
    const values = Object.fromEntries((options.echo ?? []).map((name) => [name, fields[name] ?? ""]));
    const parsed = options.schema.safeParse(fields);
    if (!parsed.success) {
      const fieldErrors: Record<string, string> = {};
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0] ?? "form");
        fieldErrors[field] ??= issue.message;
      }
      return formFieldErrors<Data>(fieldErrors, values);
    }
    // ASVS 5.0 V7.5.3: renewed authentication before a sensitive change, decided on what was asked for.
    if (typeof options.sensitive === "function" && options.sensitive(parsed.data)) {
      const refused = reauthenticate();
      if (refused) return refused;
    }
    let result: FormState<Data>;
    try {
      result = await options.handler(parsed.data, guarded);
    } catch (error) {
      // The hashing queue is full (lib/auth/hashing-queue.ts): a moment's wait, not a failure.
      if (!(error instanceof HashingBusy)) throw error;
      result = { status: "error", message: busyMessage(error.retryAfterSeconds) };
    }
    return result.status === "error" ? { values, ...result } : result;
  };
}
