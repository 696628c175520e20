import Link from "next/link";
import { signOutAction } from "@/app/(auth)/actions";
import { SignOutButton } from "@/components/sign-out-button";
import { Logo } from "@/components/ui/logo";

export type NavItem = { href: string; label: string };

export function AppHeader({ userName, email, nav }: { userName: string; email: string; nav: NavItem[] }) {
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-5xl flex-wrap items-center gap-x-6 gap-y-3 px-4 py-3 sm:px-6">
        <Link href="/" aria-label="Twofold dashboard">
          <Logo />
        </Link>
        <nav aria-label="Main" className="order-3 w-full sm:order-none sm:w-auto">
          <ul className="flex gap-1">
            {nav.map((item) => (
              <li key={item.href}>
                <Link
                  href={item.href}
                  className="rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100 hover:text-slate-900"
                >
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="ml-auto flex items-center gap-3">
          <div className="hidden text-right sm:block">
            <p className="text-sm font-medium text-slate-900">{userName}</p>
            <p className="text-xs text-slate-600">{email}</p>
          </div>
          <SignOutButton
            action={signOutAction}
            className="rounded-lg border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50"
          />
        </div>
      </div>
    </header>
  );
}
