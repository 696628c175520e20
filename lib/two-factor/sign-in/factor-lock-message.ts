import { messages } from "@/lib/messages";

// The words are messages.secondStepLocked; this name stays until app/ imports them from lib/messages.ts.
export const FACTOR_LOCKED_MESSAGE = messages.secondStepLocked;
