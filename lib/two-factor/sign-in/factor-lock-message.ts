/** What the sign-in says while the cap of consecutive failures holds the second factor locked (see factor-lock.ts). */
export const FACTOR_LOCKED_MESSAGE =
  "Your second step is locked after too many wrong attempts. Sign in with one of your recovery codes, or ask an administrator to unlock it.";
