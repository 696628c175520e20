import Link from "next/link";
import { Logo } from "@/components/ui/logo";

/** The frame of the 403, 404 and error pages: what happened, and a way on. */
export function StatusPage({ code, title, children }: { code: string; title: string; children: React.ReactNode }) {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center px-4 text-center">
      <Logo />
      <p className="mt-10 text-sm font-semibold text-brand-700">{code}</p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight text-slate-900">{title}</h1>
      <div className="mt-3 max-w-md text-sm text-slate-600">{children}</div>
      <Link href="/" className="mt-8 text-sm font-medium text-brand-700 hover:underline">
        Back to your dashboard
      </Link>
    </main>
  );
}
