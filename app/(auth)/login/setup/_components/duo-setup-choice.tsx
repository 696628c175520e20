import { startDuoSetupAction } from "@/app/(auth)/login/setup/duo-actions";
import { RowActionForm } from "@/components/row-action-form";
import { duoMessage, type DuoNotice } from "@/lib/two-factor/duo/messages";

/** At required setup, when the organisation allows Duo: Duo instead of an authenticator app. */
export function DuoSetupChoice({ notice }: { notice: DuoNotice | null }) {
  return (
    <div className="mt-6 space-y-3 border-t border-slate-100 pt-4">
      <h2 className="text-sm font-semibold text-slate-900">Or use Duo</h2>
      <p className="text-sm text-slate-600">
        Approve sign-ins with Duo instead. You set up your device in Duo&rsquo;s own pages.
      </p>
      {notice ? (
        <p role="alert" className="rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {duoMessage(notice)}
        </p>
      ) : null}
      <RowActionForm
        action={startDuoSetupAction}
        fields={{}}
        label="Set up Duo"
        pendingLabel="Opening Duo…"
        className="flex flex-col items-start gap-2"
      />
    </div>
  );
}
