/** NIST SP 800-63B: length matters; no composition rules. */
export const PASSWORD_MIN_LENGTH = 12;
/** Long enough for any passphrase or manager-generated password, short enough to bound hashing work. */
export const PASSWORD_MAX_LENGTH = 128;
