/** The longest display name (a person's, an API account's): here alone so browser code can read it without zod. */
export const NAME_MAX_LENGTH = 100;
