import { z } from "zod";

/*
 * The browser's answers (RegistrationResponseJSON, AuthenticationResponseJSON)
 * arrive as JSON from the client: checked for shape and size before the
 * library reads them, so bad input is a clear refusal, never a 500.
 */

/** Far above a real answer (a few kilobytes with attestation "none"), far below a memory problem. */
export const MAX_RESPONSE_JSON_LENGTH = 16_000;

const base64url = z
  .string()
  .max(8_000)
  .regex(/^[A-Za-z0-9_-]*$/);

const registrationResponseSchema = z.object({
  id: base64url.min(1),
  rawId: base64url.min(1),
  type: z.literal("public-key"),
  response: z.object({
    clientDataJSON: base64url.min(1),
    attestationObject: base64url.min(1),
    authenticatorData: base64url.optional(),
    transports: z.array(z.string().max(32)).max(10).optional(),
    publicKeyAlgorithm: z.number().int().optional(),
    publicKey: base64url.optional(),
  }),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
});

const authenticationResponseSchema = z.object({
  id: base64url.min(1),
  rawId: base64url.min(1),
  type: z.literal("public-key"),
  response: z.object({
    clientDataJSON: base64url.min(1),
    authenticatorData: base64url.min(1),
    signature: base64url.min(1),
    userHandle: base64url.optional(),
  }),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
});

export type RegistrationResponse = z.infer<typeof registrationResponseSchema>;
export type AuthenticationResponse = z.infer<typeof authenticationResponseSchema>;

/** A form field holding the browser's JSON answer, parsed and checked; anything else is refused with `message`. */
function jsonField<Schema extends z.ZodType>(schema: Schema, message: string) {
  return z
    .string({ error: message })
    .max(MAX_RESPONSE_JSON_LENGTH, { error: message })
    .transform((text, context): z.output<Schema> => {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        value = undefined;
      }
      const parsed = schema.safeParse(value);
      if (parsed.success) return parsed.data;
      context.addIssue({ code: "custom", message });
      return z.NEVER;
    });
}

export const registrationResponseField = (message: string) => jsonField(registrationResponseSchema, message);
export const authenticationResponseField = (message: string) => jsonField(authenticationResponseSchema, message);

/** The challenge the browser says it signed (clientDataJSON.challenge), to find and use up our record of it. */
export function challengeOf(clientDataJSON: string): string | null {
  try {
    const parsed = z
      .object({ challenge: base64url.min(1).max(512) })
      .safeParse(JSON.parse(Buffer.from(clientDataJSON, "base64url").toString("utf8")));
    return parsed.success ? parsed.data.challenge : null;
  } catch {
    return null;
  }
}
