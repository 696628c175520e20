import { signOutAction } from "@/app/(auth)/actions";

/** "Sign out": from the app header, and from the second-factor and setup steps, where it is the only way back. */
export function SignOutButton({ className }: { className: string }) {
  return (
    <form action={signOutAction}>
      <button type="submit" className={className}>
        Sign out
      </button>
    </form>
  );
}
