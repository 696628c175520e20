import type { ReactNode } from "react";
import { Logo } from "@/components/ui/logo";

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-screen flex-col items-center justify-center bg-gradient-to-b from-brand-50 to-slate-50 px-4 py-12">
      <header className="mb-8">
        <Logo />
      </header>
      {/* Enrolment (QR code beside the steps) needs more room than a sign-in form. */}
      <main className="w-full max-w-sm has-[[data-wide]]:max-w-2xl">{children}</main>
    </div>
  );
}
