/*
 * What each stored ciphertext is bound to, as AES-GCM associated data: its
 * table, column and row. A ciphertext copied into another row, or into another
 * column, then fails to decrypt instead of handing one organisation's or one
 * user's secret to another (OWASP ASVS 5.0 V11.3.3).
 */

export type SecretBinding = string & { readonly __secretBinding: unique symbol };

/** An organisation's Duo client secret, bound to the organisation's id. */
export function duoSecretKeyBinding(organisationId: number): SecretBinding {
  return `organisations.duo_secret_key:${organisationId}` as SecretBinding;
}

/**
 * A user's authenticator-app secret. totp_credentials' primary key is the
 * user's id, so the row id is known before the insert and a user has one row.
 */
export function totpSecretBinding(userId: number): SecretBinding {
  return `totp_credentials.secret:${userId}` as SecretBinding;
}

/** A webhook's signing secret, bound to the webhook's id. */
export function webhookSecretBinding(webhookId: number): SecretBinding {
  return `webhooks.secret:${webhookId}` as SecretBinding;
}
