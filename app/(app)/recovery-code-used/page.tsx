import type { Metadata } from "next";
import Link from "next/link";
import { buttonClasses } from "@/components/ui/button-classes";
import { Card } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/guards";
import { ownRecoveryCodesLeft } from "@/lib/data/home";
import { safeNextPath } from "@/lib/auth/next-path";
import { codesLeftText } from "@/lib/messages";
import { FEW_RECOVERY_CODES_LEFT } from "@/lib/two-factor/recovery-codes/codes";

export const metadata: Metadata = { title: "You signed in with a recovery code" };

/** Where a sign-in with a recovery code lands: the codes left, and the way to a new factor. */
export default async function RecoveryCodeUsedPage({
  searchParams,
}: {
  searchParams: Promise<{ next?: string | string[] }>;
}) {
  const left = await ownRecoveryCodesLeft(await requireUser());
  const next = safeNextPath((await searchParams).next) ?? "/";
  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <h1 className="text-2xl font-semibold tracking-tight text-slate-900">You signed in with a recovery code</h1>
      <Card title={codesLeftText(left)} id="recovery-code-used">
        <div className="space-y-3 text-sm text-slate-700">
          {left <= FEW_RECOVERY_CODES_LEFT ? (
            <p className="font-medium text-amber-900">That is few: create new ones before you run out.</p>
          ) : null}
          <p>Each recovery code works once. We emailed you that one was used, so you would know if it was not you.</p>
          <p>
            If you lost your phone or authenticator app, turn it off and set up a new method now, then create new
            recovery codes, so that whoever finds the old one cannot use it.
          </p>
        </div>
        <div className="mt-6 flex flex-wrap items-center gap-3">
          <Link href="/profile#two-factor" className={buttonClasses("primary")}>
            Set up a new method now
          </Link>
          <Link href={next} className={buttonClasses("secondary")}>
            Not now
          </Link>
        </div>
      </Card>
    </div>
  );
}
