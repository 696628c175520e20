import "server-only";
import type { Executor } from "@/db";
import { recipientTimeZone } from "@/lib/messaging/recipient-time-zone";
import type { Administrator } from "@/lib/admin/user-administrators";
import { notifyUser } from "@/lib/messaging/notify";
import { recoveryRequestCreated, recoveryRequestForAdministrator } from "@/lib/messaging/security-emails";
import type { RecoveryRequest } from "@/lib/recovery/requests";

type Person = { id: number; email: string; name: string };

/** Template recoveryRequestForAdministrator: to each administrator who may reset this user. */
export async function tellAdministratorOfRecoveryRequest(
  db: Executor,
  admin: Administrator,
  user: Person,
  request: RecoveryRequest,
  organisation: { name: string },
): Promise<void> {
  await notifyUser(
    admin,
    organisation,
    recoveryRequestForAdministrator({ user, request, timeZone: await recipientTimeZone(db, admin.id) }),
  );
}

/** Template recoveryRequestCreated: to the user, in case it was not them. */
export async function tellUserOfRecoveryRequest(
  db: Executor,
  user: Person,
  request: RecoveryRequest,
  organisation: { name: string },
): Promise<void> {
  await notifyUser(
    user,
    organisation,
    recoveryRequestCreated({ request, timeZone: await recipientTimeZone(db, user.id) }),
  );
}
