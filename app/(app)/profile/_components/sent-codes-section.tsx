import { confirmCodesAction, startCodesAction } from "@/app/(app)/profile/two-factor-actions";
import { SentCodeForm } from "@/app/(app)/profile/_components/sent-code-form";
import type { OwnTwoFactor } from "@/lib/data/profile-factors";

/** "Codes by text message or email": on (and where they go), or the way to turn them on when the organisation allows it. */
export function SentCodesSection({ twoFactor }: { twoFactor: OwnTwoFactor }) {
  const { channel, maskedDestination } = twoFactor.codesGo;
  const codeDestination = `${channel === "sms" ? "by text message" : "by email"} to ${maskedDestination}`;
  return (
    <div className="space-y-3">
      <h3 className="text-sm font-semibold text-slate-900">Codes by text message or email</h3>
      {twoFactor.methods.includes("code") ? (
        <p className="text-sm text-slate-600">
          On{twoFactor.codesTurnedOn ? "" : ", because your organisation requires two-factor authentication"}. Codes go{" "}
          {codeDestination}.
        </p>
      ) : twoFactor.allowCode ? (
        <SentCodeForm
          startAction={startCodesAction}
          confirmAction={confirmCodesAction}
          reveal={{
            label: "Set up codes by text message or email",
            variant: twoFactor.enabled ? "secondary" : "primary",
          }}
          intro={`We will send a code ${codeDestination} to check it arrives. Confirm it is you first.`}
          fields={[
            {
              id: "codes-password",
              name: "currentPassword",
              label: "Password",
              type: "password",
              autoComplete: "current-password",
            },
          ]}
          startLabel="Send a code"
          confirmLabel="Confirm code"
        />
      ) : (
        <p className="text-sm text-slate-600">Your organisation does not allow codes by text message or email.</p>
      )}
    </div>
  );
}
