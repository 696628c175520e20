import Link from "next/link";
import { Logo } from "@/components/ui/logo";

/**
 * The 403, 404 and error pages: what happened, and a way on. Inside the app
 * shell (403) it is a section of the shell's <main>; on its own it is the main.
 */
export function StatusPage({
  code,
  title,
  children,
  insideShell = false,
}: {
  code: string;
  title: string;
  children: React.ReactNode;
  insideShell?: boolean;
}) {
  const Landmark = insideShell ? "section" : "main";
  return (
    <Landmark
      aria-labelledby="status-title"
      className={`flex flex-col items-center justify-center px-4 text-center ${insideShell ? "py-16" : "min-h-screen"}`}
    >
      {insideShell ? null : <Logo />}
      <p className={`text-sm font-semibold text-brand-700 ${insideShell ? "" : "mt-10"}`}>{code}</p>
      <h1 id="status-title" className="mt-2 text-2xl font-semibold tracking-tight text-slate-900">
        {title}
      </h1>
      <div className="mt-3 max-w-md text-sm text-slate-600">{children}</div>
      <Link href="/" className="mt-8 text-sm font-medium text-brand-700 hover:underline">
        Back to your dashboard
      </Link>
    </Landmark>
  );
}
