import { signOutLinkClass } from "@/components/auth-message";

/**
 * "Sign out": from the app header, and from the second-factor and setup steps, where it is the only way back.
 * The caller passes the server action, so shared components never import a route's actions.
 */
export function SignOutButton({
  action,
  className = signOutLinkClass,
}: {
  action: () => Promise<void>;
  /** A link-like button by default, as on the sign-in steps. */
  className?: string;
}) {
  return (
    <form action={action}>
      <button type="submit" className={className}>
        Sign out
      </button>
    </form>
  );
}
