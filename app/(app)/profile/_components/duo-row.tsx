import { startDuoDisableAction, startDuoEnrolmentAction } from "@/app/(app)/profile/duo-actions";
import { DuoPasswordForm } from "@/app/(app)/profile/_components/duo-password-form";
import { MethodRow, type MethodState } from "@/app/(app)/profile/_components/method-row";
import { PreferredMethodControl } from "@/app/(app)/profile/_components/preferred-method-control";
import type { OwnTwoFactor } from "@/lib/data/profile-factors";
import { duoMessage, isDuoSuccess, type DuoNotice } from "@/lib/two-factor/duo/messages";
import { METHOD_LABELS } from "@/lib/two-factor/policy/methods";

function stateOf(turnedOn: boolean, usable: boolean): MethodState {
  if (!turnedOn) return { label: "Not set up", tone: "off" };
  return usable ? { label: "Configured", tone: "on" } : { label: "Not in use", tone: "partial" };
}

/** "Duo", when the organisation offers it or the user still has it on. */
export function DuoRow({
  twoFactor,
  preferred,
  notice,
}: {
  twoFactor: OwnTwoFactor;
  preferred: boolean | null;
  notice: DuoNotice | null;
}) {
  const { duoTurnedOn: turnedOn, duoAvailable: available } = twoFactor;
  const usable = twoFactor.methods.includes("duo");
  if (!turnedOn && !available) return null;
  return (
    <MethodRow
      name={METHOD_LABELS.duo}
      state={stateOf(turnedOn, usable)}
      preferred={preferred === true}
      description={
        <>
          {notice ? (
            <p
              role={isDuoSuccess(notice) ? "status" : "alert"}
              className={`rounded-lg border px-3 py-2 ${isDuoSuccess(notice) ? "border-emerald-200 bg-emerald-50 text-emerald-800" : "border-red-200 bg-red-50 text-red-800"}`}
            >
              {duoMessage(notice)}
            </p>
          ) : null}
          <p>
            {turnedOn
              ? `You approve sign-ins in Duo.${usable ? "" : " Your organisation does not allow Duo now, so it is not asked for."}`
              : "Approve sign-ins with Duo. You set up your device in Duo’s own pages."}
          </p>
        </>
      }
    >
      {usable && preferred !== null ? (
        <PreferredMethodControl method="duo" label={METHOD_LABELS.duo} preferred={preferred} />
      ) : null}
      {turnedOn ? (
        usable ? (
          <DuoPasswordForm action={startDuoDisableAction} label="Turn off Duo" danger />
        ) : null
      ) : (
        <DuoPasswordForm action={startDuoEnrolmentAction} label="Set up Duo" />
      )}
    </MethodRow>
  );
}
