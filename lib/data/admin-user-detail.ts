import "server-only";
import { getDb, type Db } from "@/db";
import type { CodeDelivery, Permission, TwoFactorRequirement } from "@/db/schema";
import { accessReach } from "@/lib/admin/delegated-change";
import { missingPermissions } from "@/lib/admin/delegation";
import { recentSignInsOfUser, type RecentSignIn } from "@/lib/admin/recent-sign-ins";
import { factorsOfUser, type FactorView } from "@/lib/admin/user-factors";
import { passkeysOfUser, type PasskeyView } from "@/lib/admin/user-passkeys";
import { findUserInOrganisation, rolesAndGroupsOf } from "@/lib/admin/user-admin";
import { listApiTokens, type ApiTokenListItem } from "@/lib/api/tokens";
import { getCurrentPermissions, type CurrentSession } from "@/lib/auth/guards";
import { adminResetRefusal, resetAccountOfUser } from "@/lib/auth/password-reset";
import { listSessionsOfUser, type SessionView } from "@/lib/auth/sessions";
import type { GrantChoices } from "@/lib/data/admin-users-list";
import { findPendingInvitation, type PendingInvitation } from "@/lib/invitations/invitations";
import { pendingRequestOfUser, type RecoveryRequest } from "@/lib/recovery/requests";
import { setupLinkEligibility } from "@/lib/two-factor/authenticator-app/setup-link";
import { twoFactorStateOfUser, type UserTwoFactorState } from "@/lib/two-factor/policy/user-state";
import { maskDestination, planSecondFactorDelivery } from "@/lib/two-factor/sent-codes/delivery";
import { secondFactorLock, type FactorLock } from "@/lib/two-factor/sign-in/factor-lock";

/** The user an admin page is about: what the screen shows and the forms need, nothing more. */
export type AdminUserView = {
  id: number;
  name: string;
  email: string;
  disabledAt: Date | null;
  lastSignInAt: Date | null;
  isApiAccount: boolean;
  /** Set for users who sign in through the identity provider (SSO). */
  ssoIssuer: string | null;
  twoFactorRequirement: TwoFactorRequirement;
  codeDelivery: CodeDelivery;
  codesEnabledAt: Date | null;
  mobileNumber: string | null;
  mobileVerifiedAt: Date | null;
  hasOwnFactor: boolean;
  roleIds: number[];
  groupIds: number[];
};

/** What the actor may do on this page; the actions decide again (lib/flows/admin-change.ts). */
export type AdminUserAbilities = {
  isOwnAccount: boolean;
  holdsUsersManage: boolean;
  /** Holds users:manage and every permission the user holds. */
  canManage: boolean;
  /** The permissions the user holds and the actor lacks; empty when the actor may act on them. */
  missingPermissions: Permission[];
  /** May open the audit log, where "View this user's events" leads. */
  canReadAudit: boolean;
};

export type AdminUserDetail = {
  user: AdminUserView;
  abilities: AdminUserAbilities;
  grantChoices: GrantChoices;
  requirement: UserTwoFactorState["requirement"];
  methods: UserTwoFactorState["methods"];
  /** Where sign-in codes would go now, masked. */
  codes: { channel: "sms" | "email"; maskedDestination: string };
  lock: FactorLock | null;
  factors: FactorView[];
  /** The user's passkeys and security keys ("Passkeys and security keys"). */
  passkeys: PasskeyView[];
  sessions: SessionView[];
  recentSignIns: RecentSignIn[];
  invitation: PendingInvitation | null;
  recoveryRequest: RecoveryRequest | null;
  /** Only for an actor who can manage the user, like the cards that show them. */
  managed: {
    apiTokens: ApiTokenListItem[];
    setupLink: { offered: true } | { offered: false; reason: string };
    /** null when there is no account to reset; else why a link is not offered, or null when it is. */
    passwordReset: { refusal: string | null } | null;
  } | null;
};

/** Everything the admin user page shows, or null for an id that is not a user of the actor's organisation. */
export async function adminUserDetail(current: CurrentSession, userId: number): Promise<AdminUserDetail | null> {
  const db = getDb();
  const organisationId = current.organisation.id;
  // Another organisation's user is simply not found, like one that never existed.
  const found = await findUserInOrganisation(db, organisationId, userId);
  if (!found) return null;
  const permissions = await getCurrentPermissions(current.user.id);
  const holdsUsersManage = permissions.has("users:manage");
  const reach = await accessReach(db, organisationId, current.user.id);
  const mayActOn = reach.mayActOn(found.id);
  const canManage = holdsUsersManage && mayActOn;
  const { requirement, methods } = await twoFactorStateOfUser(db, found.id);
  const plan = planSecondFactorDelivery(found);
  return {
    user: {
      id: found.id,
      name: found.name,
      email: found.email,
      disabledAt: found.disabledAt,
      lastSignInAt: found.lastSignInAt,
      isApiAccount: found.isApiAccount,
      ssoIssuer: found.ssoIssuer,
      twoFactorRequirement: found.twoFactorRequirement,
      codeDelivery: found.codeDelivery,
      codesEnabledAt: found.codesEnabledAt,
      mobileNumber: found.mobileNumber,
      mobileVerifiedAt: found.mobileVerifiedAt,
      hasOwnFactor: found.hasOwnFactor,
      roleIds: found.roleIds,
      groupIds: found.groupIds,
    },
    abilities: {
      isOwnAccount: found.id === current.user.id,
      holdsUsersManage,
      canManage,
      missingPermissions: mayActOn ? [] : missingPermissions(reach.actor, reach.permissionsOf(found.id)),
      canReadAudit: permissions.has("audit:read"),
    },
    grantChoices: await rolesAndGroupsOf(db, organisationId, reach),
    requirement,
    methods,
    codes: { channel: plan.channel, maskedDestination: maskDestination(plan.channel, plan.destination) },
    lock: await secondFactorLock(db, found.id),
    factors: await factorsOfUser(db, found.id),
    passkeys: await passkeysOfUser(db, found.id),
    sessions: await listSessionsOfUser(db, found.id),
    recentSignIns: await recentSignInsOfUser(db, organisationId, found.id),
    invitation: await findPendingInvitation(db, organisationId, found.id),
    recoveryRequest: await pendingRequestOfUser(db, organisationId, found.id),
    managed: canManage ? await managedCards(db, organisationId, found.id) : null,
  };
}

async function managedCards(
  db: Db,
  organisationId: number,
  userId: number,
): Promise<NonNullable<AdminUserDetail["managed"]>> {
  const setupLink = await setupLinkEligibility(db, organisationId, userId);
  const resetAccount = await resetAccountOfUser(db, organisationId, userId);
  return {
    apiTokens: await listApiTokens(db, userId),
    setupLink: setupLink.ok ? { offered: true } : { offered: false, reason: setupLink.reason },
    passwordReset: resetAccount ? { refusal: adminResetRefusal(resetAccount) } : null,
  };
}
