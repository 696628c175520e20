import type { SessionStage } from "@/db/schema";
import type { RequestContext } from "@/lib/request-context";
import type { SignInCompletion } from "@/lib/auth/sign-in-completed";

declare module "next-auth" {
  interface User {
    /** Where the password was typed: recorded on the session that sign-in creates. */
    context?: RequestContext;
    /** Whether the password completed the sign-in or a second factor is still owed. */
    stage?: SessionStage;
    /** When `stage` is "active": how the sign-in completed at once, for the audit log. */
    completion?: Extract<SignInCompletion, "password" | "remembered_browser" | "sso">;
    /**
     * When the user last proved who they are, if not now: a remembered
     * browser's sign-in skipped the second factor, and an identity provider
     * says when it last authenticated the user (`auth_time`).
     */
    authenticatedAt?: Date;
  }
}

declare module "@auth/core/jwt" {
  interface JWT {
    /** Our opaque session token: the whole content of the session cookie. */
    sessionToken?: string;
  }
}
