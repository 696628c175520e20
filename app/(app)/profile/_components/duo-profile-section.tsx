import { startDuoDisableAction, startDuoEnrolmentAction } from "@/app/(app)/profile/duo-actions";
import { DuoPasswordForm } from "@/app/(app)/profile/_components/duo-password-form";
import { duoMessage, isDuoSuccess, type DuoNotice } from "@/lib/two-factor/duo/messages";

/** The Duo part of the profile's two-factor card. */
export function DuoProfileSection({
  turnedOn,
  usable,
  available,
  notice,
}: {
  turnedOn: boolean;
  usable: boolean;
  available: boolean;
  notice: DuoNotice | null;
}) {
  if (!turnedOn && !available) return null;
  return (
    <div className="space-y-3">
      <h3 className="text-sm font-semibold text-slate-900">Duo</h3>
      {notice ? (
        <p
          role={isDuoSuccess(notice) ? "status" : "alert"}
          className={`rounded-lg border px-3 py-2 text-sm ${isDuoSuccess(notice) ? "border-emerald-200 bg-emerald-50 text-emerald-800" : "border-red-200 bg-red-50 text-red-800"}`}
        >
          {duoMessage(notice)}
        </p>
      ) : null}
      {turnedOn ? (
        <>
          <p className="text-sm text-slate-600">
            On: you approve sign-ins in Duo.
            {usable ? "" : " Your organisation does not allow Duo now, so it is not asked for."}
          </p>
          {usable ? <DuoPasswordForm action={startDuoDisableAction} label="Turn off Duo" danger /> : null}
        </>
      ) : (
        <>
          <p className="text-sm text-slate-600">
            Approve sign-ins with Duo. You set up your device in Duo&rsquo;s own pages.
          </p>
          <DuoPasswordForm action={startDuoEnrolmentAction} label="Set up Duo" />
        </>
      )}
    </div>
  );
}
