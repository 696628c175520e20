import { and, asc, eq, ne, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db, Executor } from "@/db";
import { organisations, users } from "@/db/schema";
import { recordAuditEvent } from "@/lib/audit";
import { normaliseEmail } from "@/lib/auth/password-sign-in";
import { permissionsOf, rolesOfUserWithin } from "@/lib/auth/permissions";
import { emailDomainAllowed } from "@/lib/auth/sso-domains";
import { amrForAudit, assertsMultiFactor } from "@/lib/auth/sso-mfa";
import { NAME_MAX_LENGTH } from "@/lib/name-limits";
import type { RequestContext } from "@/lib/request-context";

/** What Twofold takes from the identity provider's validated ID token. */
export type SsoClaims = {
  issuer: string;
  subject: string;
  email?: unknown;
  emailVerified?: unknown;
  name?: unknown;
  /** How the provider says it authenticated the user (RFC 8176), for OIDC_REQUIRE_MFA_FOR_ADMINS. */
  amr?: unknown;
};

export type SsoRefusal =
  | "email_missing"
  | "email_unverified"
  | "email_taken"
  | "disabled"
  | "api_account"
  | "no_organisation"
  | "domain_not_allowed"
  | "mfa_required";

export type SsoSignInResult =
  { ok: true; user: { id: number; organisationId: number }; created: boolean } | { ok: false; reason: SsoRefusal };

const emailSchema = z.email().max(254);

function emailFrom(claim: unknown): string | null {
  if (typeof claim !== "string") return null;
  const parsed = emailSchema.safeParse(normaliseEmail(claim));
  return parsed.success ? parsed.data : null;
}

/** The name to show: the claim, stripped of control characters and cut to our limit; else the email. */
function nameFrom(claim: unknown, email: string): string {
  const cleaned =
    typeof claim === "string"
      ? claim
          .replace(/[\p{Cc}\p{Cf}]/gu, "")
          .trim()
          .slice(0, NAME_MAX_LENGTH)
      : "";
  return cleaned || email;
}

async function emailBelongsToAnother(db: Executor, email: string, exceptUserId?: number): Promise<boolean> {
  const sameEmail = eq(sql`lower(${users.email})`, email);
  return Boolean(
    (
      await db
        .select({ id: users.id })
        .from(users)
        .where(exceptUserId === undefined ? sameEmail : and(sameEmail, ne(users.id, exceptUserId)))
    )[0],
  );
}

/** The organisation new SSO users join: the configured one, or the first one created. */
async function organisationForNewUsers(db: Executor, configuredId: number | undefined): Promise<number | null> {
  const row = (
    await db
      .select({ id: organisations.id })
      .from(organisations)
      .where(configuredId === undefined ? undefined : eq(organisations.id, configuredId))
      .orderBy(asc(organisations.id))
      .limit(1)
  )[0];
  return row?.id ?? null;
}

/** A result with what its audit event needs. */
type Outcome = {
  result: SsoSignInResult;
  organisationId: number | null;
  /** The account concerned: the one signing in, or for `email_taken` the one holding that address. */
  userId?: number;
  details?: Record<string, string | boolean>;
};

function refused(
  reason: SsoRefusal,
  organisationId: number | null = null,
  userId?: number,
  details?: Record<string, string>,
): Outcome {
  return { result: { ok: false, reason }, organisationId, userId, details };
}

type SsoSignInOptions = {
  organisationId?: number;
  /** OIDC_ALLOWED_DOMAINS: the only email domains a first sign-in may create an account for; empty allows any. */
  allowedDomains?: readonly string[];
  /** OIDC_REQUIRE_MFA_FOR_ADMINS: holders of any admin permission need an amr showing multi-factor authentication. */
  requireMfaForAdmins?: boolean;
  context: RequestContext;
  now?: Date;
};

/**
 * Every permission Twofold has is an administrator's, so holding any (by a
 * role or through a group) makes a user an administrator here. Read on the
 * transaction's own connection.
 */
async function holdsAdminPermission(tx: Executor, userId: number): Promise<boolean> {
  return permissionsOf(await rolesOfUserWithin(tx, userId)).size > 0;
}

async function resolveIdentity(db: Db, tx: Executor, claims: SsoClaims, options: SsoSignInOptions): Promise<Outcome> {
  const allowedDomains = options.allowedDomains ?? [];
  const { issuer, subject } = claims;
  const email = emailFrom(claims.email);
  const existing = (
    await tx
      .select({
        id: users.id,
        organisationId: users.organisationId,
        email: users.email,
        name: users.name,
        disabledAt: users.disabledAt,
        isApiAccount: users.isApiAccount,
      })
      .from(users)
      .where(and(eq(users.ssoIssuer, issuer), eq(users.ssoSubject, subject)))
  )[0];

  if (existing) {
    if (existing.disabledAt) return refused("disabled", existing.organisationId, existing.id);
    if (existing.isApiAccount) return refused("api_account", existing.organisationId, existing.id);
    // Checked before anything is updated: a refused sign-in changes nothing.
    if (
      options.requireMfaForAdmins &&
      !assertsMultiFactor(claims.amr) &&
      (await holdsAdminPermission(tx, existing.id))
    ) {
      return refused("mfa_required", existing.organisationId, existing.id, { amr: amrForAudit(claims.amr) });
    }
    // Only an address the provider verified replaces the one on file: an
    // unverified one could be someone else's, who would then get our mail.
    // Nor one outside OIDC_ALLOWED_DOMAINS: the list says which addresses
    // Twofold takes from the provider, for new and existing accounts alike.
    const verifiedEmail =
      claims.emailVerified === true && email && emailDomainAllowed(email, allowedDomains) ? email : null;
    const newEmail =
      verifiedEmail &&
      verifiedEmail !== existing.email &&
      !(await emailBelongsToAnother(tx, verifiedEmail, existing.id))
        ? verifiedEmail
        : existing.email;
    const newName = nameFrom(claims.name, newEmail);
    // "Last sign-in" is set when the session is created (lib/auth/sign-in-completed.ts), like every other sign-in's.
    await tx.update(users).set({ email: newEmail, name: newName }).where(eq(users.id, existing.id));
    const details: Record<string, string | boolean> = { issuer, created: false };
    if (newEmail !== existing.email) details.emailChanged = true;
    if (email && newEmail !== email) details.emailKept = true;
    if (newName !== existing.name) details.nameChanged = true;
    const user = { id: existing.id, organisationId: existing.organisationId };
    return {
      result: { ok: true, user, created: false },
      organisationId: user.organisationId,
      userId: user.id,
      details,
    };
  }

  if (!email) return refused("email_missing");
  // A provider that does not say the address is verified might hand out anyone's:
  // holding it here would block that person's invitation and route their mail.
  if (claims.emailVerified !== true) return refused("email_unverified");
  // Before the search for the address's holder, so a domain that may not
  // sign up here cannot learn which of its addresses have an account.
  if (!emailDomainAllowed(email, allowedDomains)) return refused("domain_not_allowed");
  const organisationId = await organisationForNewUsers(tx, options.organisationId);
  if (organisationId === null) return refused("no_organisation");
  const holder = (
    await tx
      .select({ id: users.id, organisationId: users.organisationId })
      .from(users)
      .where(eq(sql`lower(${users.email})`, email))
  )[0];
  if (holder) return refused("email_taken", holder.organisationId, holder.id);

  const created = (
    await tx
      .insert(users)
      .values({
        organisationId,
        email,
        name: nameFrom(claims.name, email),
        passwordHash: null,
        ssoIssuer: issuer,
        ssoSubject: subject,
      })
      .returning({ id: users.id })
  )[0]!;
  const user = { id: created.id, organisationId };
  return {
    result: { ok: true, user, created: true },
    organisationId,
    userId: user.id,
    details: { issuer, created: true },
  };
}

/**
 * Maps an identity provider's user to a Twofold account, by issuer and
 * subject only. The first sign-in creates the account; later ones refresh
 * name and email from the claims. An email is never used to find an account:
 * whoever controls an identity-provider account carrying someone's address
 * must not get that person's Twofold account, so a new SSO identity whose
 * email is already taken is refused, and an existing one keeps its old email
 * rather than take another account's. Every outcome is audited.
 */
export async function signInWithSso(db: Db, claims: SsoClaims, options: SsoSignInOptions): Promise<SsoSignInResult> {
  const now = options.now ?? new Date();
  // One transaction: two first sign-ins of one subject cannot both create it.
  const outcome = await db.transaction(async (tx) => await resolveIdentity(db, tx, claims, options));
  const { result } = outcome;
  await recordAuditEvent(db, {
    type: result.ok ? "sso_sign_in.succeeded" : "sign_in.refused",
    organisationId: outcome.organisationId,
    actorUserId: result.ok ? result.user.id : null,
    targetUserId: outcome.userId,
    context: options.context,
    details: result.ok
      ? outcome.details
      : {
          reason: `sso_${result.reason}`,
          issuer: claims.issuer,
          subject: claims.subject.slice(0, 255),
          email: emailFrom(claims.email),
          ...outcome.details,
        },
    at: now,
  });
  return result;
}
