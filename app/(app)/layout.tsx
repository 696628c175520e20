import type { ReactNode } from "react";
import { AppHeader } from "@/app/(app)/_components/app-header";
import type { NavItem } from "@/app/(app)/_components/main-nav";
import { getCurrentPermissions, requireUser } from "@/lib/auth/guards";

export default async function AppLayout({ children }: { children: ReactNode }) {
  // Each page guards itself too: layouts and pages render independently.
  const { user } = await requireUser();
  const permissions = await getCurrentPermissions(user.id);
  const nav: NavItem[] = [
    { href: "/", label: "Dashboard" },
    { href: "/profile", label: "Profile" },
    ...(permissions.has("users:read")
      ? [
          { href: "/admin", label: "Overview" },
          { href: "/admin/users", label: "Users" },
        ]
      : []),
    ...(permissions.has("roles:manage")
      ? [
          { href: "/admin/roles", label: "Roles" },
          { href: "/admin/groups", label: "Groups" },
        ]
      : []),
    ...(permissions.has("audit:read") ? [{ href: "/admin/audit", label: "Audit log" }] : []),
    ...(permissions.has("settings:manage") ? [{ href: "/admin/settings", label: "Settings" }] : []),
    // Webhooks stream the audit log: lib/admin/webhook-admin.ts.
    ...(permissions.has("settings:manage") && permissions.has("audit:read")
      ? [{ href: "/admin/webhooks", label: "Webhooks" }]
      : []),
  ];
  return (
    <div className="min-h-screen">
      <AppHeader userName={user.name} email={user.email} nav={nav} />
      <main className="mx-auto max-w-5xl px-4 py-8 sm:px-6">{children}</main>
    </div>
  );
}
