"use server";

import { formAction } from "@/lib/action";
import { allowAnyone } from "@/lib/auth/guards";
import { acceptInvitationAndSignIn } from "@/lib/flows/invitation-acceptance";
import { acceptInvitationSchema } from "@/lib/invitations/accept-schema";

// Public: the link is the invitee's only credential until they have a password.
export const acceptInvitationAction = formAction({
  guard: allowAnyone,
  schema: acceptInvitationSchema,
  echo: ["name"],
  handler: ({ token, name, newPassword }) => acceptInvitationAndSignIn({ token, name, newPassword }),
});
