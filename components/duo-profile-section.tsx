import { startDuoEnrolmentAction } from "@/app/(app)/profile/duo-actions";
import { DuoTurnOffForm } from "@/components/duo-turn-off-form";
import { RowActionForm } from "@/components/row-action-form";
import { duoMessage, isDuoSuccess, type DuoNotice } from "@/lib/duo/messages";

/** The Duo part of the profile's two-factor card. */
export function DuoProfileSection({ turnedOn, usable, available, notice }: { turnedOn: boolean; usable: boolean; available: boolean; notice: DuoNotice | null }) {
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
            On: you approve sign-ins in Duo.{usable ? "" : " Your organisation does not allow Duo now, so it is not asked for."}
          </p>
          {usable ? <DuoTurnOffForm /> : null}
        </>
      ) : (
        <>
          <p className="text-sm text-slate-600">Approve sign-ins with Duo. You set up your device in Duo&rsquo;s own pages.</p>
          <RowActionForm action={startDuoEnrolmentAction} fields={{}} label="Set up Duo" pendingLabel="Opening Duo…" className="flex flex-col items-start gap-2" />
        </>
      )}
    </div>
  );
}
