import { z } from "zod";
import type { Db, Executor } from "@/db";
import { organisations, userRoles, users } from "@/db/schema";
import { recordAuditEvent } from "@/lib/audit";
import { normaliseEmail } from "@/lib/auth/password-sign-in";
import { EMAIL_MAX_LENGTH } from "@/lib/auth/sign-in-schema";
import { emailInUse, issueInvitationLink, provisionalName } from "@/lib/invitations/invitations";
import { createOrganisation } from "@/lib/organisations/create-organisation";
import { NAME_MAX_LENGTH } from "@/lib/name-limits";

/*
 * The first administrator of a production organisation (`npm run admin:create`).
 * They get an invitation, like anyone an admin invites, but printed rather
 * than emailed, and for a day instead of a week: the link is the only
 * credential of an account that can do everything, and the operator who ran
 * the command is expected to use it straight away.
 */

export const BOOTSTRAP_LINK_LIFETIME_MS = 24 * 60 * 60 * 1000;

/** The command's options, with the words an operator reads when one is wrong. */
export const bootstrapAdministratorSchema = z.object({
  email: z
    .string({ error: "--email is missing: give the administrator's email address." })
    .trim()
    .max(EMAIL_MAX_LENGTH, { error: "--email is too long for an email address." })
    .pipe(z.email({ error: "--email must be an email address, like you@example.com." })),
  organisation: z
    .string({ error: "--organisation is missing: give the organisation's name." })
    .trim()
    .min(1, { error: "--organisation is empty: give the organisation's name." })
    .max(NAME_MAX_LENGTH, { error: `--organisation must be at most ${NAME_MAX_LENGTH} characters.` })
    // Control characters would garble emails and logs, as in people's names.
    .refine((name) => !/[\p{Cc}\p{Cf}]/u.test(name), {
      error: "--organisation must be letters, spaces and punctuation only.",
    }),
});

export type BootstrapAdministratorInput = { email: string; organisationName: string; now?: Date };

export type BootstrapAdministratorResult =
  | {
      ok: true;
      organisation: { id: number; name: string };
      administratorRoleId: number;
      userId: number;
      email: string;
      /** For the printed link; only its hash is stored. */
      token: string;
      expiresAt: Date;
    }
  | { ok: false; reason: "email_taken" | "organisation_exists" };

/** Names are compared as people read them: "ACME" is "Acme". In JavaScript, because SQLite's lower() knows only ASCII. */
async function organisationNameTaken(db: Executor, name: string): Promise<boolean> {
  const wanted = name.toLowerCase();
  return (await db.select({ name: organisations.name }).from(organisations)).some(
    (organisation) => organisation.name.toLowerCase() === wanted,
  );
}

/**
 * Creates an organisation, its built-in Administrator role (which requires
 * 2FA) and its administrator: an account with no password, holding that role,
 * with a single-use invitation link. Refuses, changing nothing, if the
 * address has an account in any organisation or the name is taken.
 */
export async function bootstrapAdministrator(
  db: Db,
  input: BootstrapAdministratorInput,
): Promise<BootstrapAdministratorResult> {
  const email = normaliseEmail(input.email);
  const organisationName = input.organisationName.trim();
  const now = input.now ?? new Date();
  return await db.transaction(
    async (tx): Promise<BootstrapAdministratorResult> => {
      if (await emailInUse(tx, email)) return { ok: false, reason: "email_taken" };
      if (await organisationNameTaken(tx, organisationName)) return { ok: false, reason: "organisation_exists" };

      const { organisation, administratorRoleId } = await createOrganisation(tx, organisationName);
      const user = (
        await tx
          .insert(users)
          .values({
            organisationId: organisation.id,
            email,
            name: provisionalName(email),
            passwordHash: null,
            createdAt: now,
          })
          .returning({ id: users.id })
      )[0]!;
      await tx.insert(userRoles).values({ userId: user.id, roleId: administratorRoleId });
      const link = await issueInvitationLink(tx, {
        organisationId: organisation.id,
        userId: user.id,
        createdByUserId: null,
        lifetimeMs: BOOTSTRAP_LINK_LIFETIME_MS,
        now,
      });
      await recordAuditEvent(tx, {
        type: "invitation.sent",
        organisationId: organisation.id,
        targetUserId: user.id,
        details: { email, via: "admin:create" },
        at: now,
      });
      return {
        ok: true,
        organisation: { id: organisation.id, name: organisation.name },
        administratorRoleId,
        userId: user.id,
        email,
        ...link,
      };
    },
    // Checks and inserts must not interleave with another process doing the same.
    { behavior: "immediate" },
  );
}
