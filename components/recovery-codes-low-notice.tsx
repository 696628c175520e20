import Link from "next/link";
import { Notice } from "@/components/ui/notice";
import { codesLeftText } from "@/lib/messages";

/** Shown on the dashboard and the profile when a user's recovery codes run low (see recoveryCodeSupply). */
export function RecoveryCodesLowNotice({ left, linkToProfile = false }: { left: number; linkToProfile?: boolean }) {
  return (
    <Notice>
      {codesLeftText(left)} If you lose your authenticator app, they are how you sign in: create new recovery codes
      {linkToProfile ? (
        <>
          {" "}
          on{" "}
          <Link href="/profile#two-factor" className="font-medium underline">
            your profile
          </Link>
        </>
      ) : (
        <> with “Regenerate recovery codes” below</>
      )}
      .
    </Notice>
  );
}
