import Link from "next/link";
import { confirmCodesAction, startCodesAction } from "@/app/(app)/profile/two-factor-actions";
import { MethodRow, type MethodState } from "@/app/(app)/profile/_components/method-row";
import { PreferredMethodControl } from "@/app/(app)/profile/_components/preferred-method-control";
import { SentCodeForm } from "@/app/(app)/profile/_components/sent-code-form";
import { buttonClasses } from "@/components/ui/button-classes";
import type { OwnTwoFactor } from "@/lib/data/profile-factors";
import { METHOD_LABELS } from "@/lib/two-factor/policy/methods";

function stateOf({ methods, codesTurnedOn, allowCode }: OwnTwoFactor): MethodState {
  if (methods.includes("code")) {
    // Nobody set this up: the organisation requires 2FA and the mailbox is all the user has.
    return codesTurnedOn ? { label: "Configured", tone: "on" } : { label: "Email fallback only", tone: "partial" };
  }
  return allowCode ? { label: "Not set up", tone: "off" } : { label: "Not allowed", tone: "off" };
}

/** "Codes by text message or email": where they go, turning them on, and where to change the number. */
export function SentCodesRow({
  twoFactor,
  preferred,
  hasMobile,
}: {
  twoFactor: OwnTwoFactor;
  preferred: boolean | null;
  hasMobile: boolean;
}) {
  const { channel, maskedDestination } = twoFactor.codesGo;
  const codeDestination = `${channel === "sms" ? "by text message" : "by email"} to ${maskedDestination}`;
  const usable = twoFactor.methods.includes("code");
  return (
    <MethodRow
      name="Codes by text message or email"
      state={stateOf(twoFactor)}
      preferred={preferred === true}
      description={
        usable ? (
          <p>
            Codes go {codeDestination}.
            {twoFactor.codesTurnedOn
              ? ""
              : " Your organisation requires two-factor authentication and you have no method of your own yet."}
          </p>
        ) : twoFactor.allowCode ? (
          <p>A code {codeDestination} at each sign-in.</p>
        ) : (
          <p>Your organisation does not allow codes by text message or email.</p>
        )
      }
    >
      {usable && preferred !== null ? (
        <PreferredMethodControl method="code" label={METHOD_LABELS.code} preferred={preferred} />
      ) : null}
      {usable ? (
        <Link href="#mobile" className={buttonClasses("ghost")}>
          {hasMobile ? "Change number" : "Use a mobile number"}
        </Link>
      ) : null}
      {twoFactor.allowCode ? (
        <SentCodeForm
          startAction={startCodesAction}
          confirmAction={confirmCodesAction}
          done={usable}
          reveal={{
            label: "Set up",
            labelContext: "codes by text message or email",
            // Secondary even with nothing on: the authenticator app's button is the one to start with.
            variant: "secondary",
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
      ) : null}
    </MethodRow>
  );
}
