import type { ReactNode } from "react";
import { AppHeader, type NavItem } from "@/components/app-header";
import { getCurrentPermissions, requireUser } from "@/lib/auth/guards";

export default async function AppLayout({ children }: { children: ReactNode }) {
  // Each page guards itself too: layouts and pages render independently.
  const { user } = await requireUser();
  const permissions = await getCurrentPermissions(user.id);
  const nav: NavItem[] = [
    { href: "/", label: "Dashboard" },
    { href: "/profile", label: "Profile" },
    ...(permissions.has("settings:manage") ? [{ href: "/admin/settings", label: "Settings" }] : []),
  ];
  return (
    <div className="min-h-screen">
      <AppHeader userName={user.name} email={user.email} nav={nav} />
      <main className="mx-auto max-w-5xl px-4 py-8 sm:px-6">{children}</main>
    </div>
  );
}
