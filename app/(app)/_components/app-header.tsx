import Link from "next/link";
import { signOutAction } from "@/app/(auth)/actions";
import { MainNav, type NavItem } from "@/app/(app)/_components/main-nav";
import { SignOutButton } from "@/components/sign-out-button";
import { Logo } from "@/components/ui/logo";

/**
 * Two rows at every width: who is signed in beside the logo, the sections
 * below. On a phone the name is cut short with an ellipsis (the full name and
 * email in its title) rather than hidden, so people always see whose account
 * this is.
 */
export function AppHeader({ userName, email, nav }: { userName: string; email: string; nav: NavItem[] }) {
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto max-w-5xl px-4 sm:px-6">
        <div className="flex items-center gap-4 pt-3 pb-2">
          <Link href="/" aria-label="Twofold dashboard" className="shrink-0 rounded-md">
            <Logo />
          </Link>
          <div className="ml-auto min-w-0 text-right" title={`${userName} (${email})`}>
            <p className="truncate text-sm font-medium text-slate-900">{userName}</p>
            <p className="truncate text-xs text-slate-600">{email}</p>
          </div>
          <SignOutButton
            action={signOutAction}
            className="shrink-0 rounded-lg border border-slate-300 px-3 py-1.5 text-sm font-medium whitespace-nowrap text-slate-700 hover:bg-slate-50"
          />
        </div>
        <MainNav items={nav} />
      </div>
    </header>
  );
}
