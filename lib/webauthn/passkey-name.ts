import { z } from "zod";
import { passkeyMessages } from "@/lib/messages";
import { PASSKEY_NAME_MAX_LENGTH } from "@/lib/webauthn/passkeys";

/** The user's own name for a passkey ("Work laptop"): trimmed, 1 to 60 characters. */
export const passkeyNameSchema = z
  .string({ error: passkeyMessages.nameRequired })
  .trim()
  .min(1, { error: passkeyMessages.nameRequired })
  .max(PASSKEY_NAME_MAX_LENGTH, { error: passkeyMessages.nameTooLong });
