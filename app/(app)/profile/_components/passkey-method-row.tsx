import Link from "next/link";
import { MethodRow, type MethodState } from "@/app/(app)/profile/_components/method-row";
import { PreferredMethodControl } from "@/app/(app)/profile/_components/preferred-method-control";
import type { OwnTwoFactor } from "@/lib/data/profile-factors";
import { METHOD_LABELS } from "@/lib/two-factor/policy/methods";

function stateOf({ hasPasskey, allowPasskey }: OwnTwoFactor): MethodState {
  if (hasPasskey && allowPasskey) return { label: "Configured", tone: "on" };
  if (hasPasskey) return { label: "Not allowed", tone: "partial" };
  return allowPasskey ? { label: "Not set up", tone: "off" } : { label: "Not allowed", tone: "off" };
}

/** "Passkey or security key" among the methods: its state, and the choice of preferred method; managed in its own card. */
export function PasskeyMethodRow({ twoFactor, preferred }: { twoFactor: OwnTwoFactor; preferred: boolean | null }) {
  const { hasPasskey, allowPasskey } = twoFactor;
  return (
    <MethodRow
      name={METHOD_LABELS.passkey}
      state={stateOf(twoFactor)}
      preferred={preferred === true}
      description={
        allowPasskey || hasPasskey ? (
          <p>
            {allowPasskey
              ? "Your fingerprint, face, screen lock or a USB key. It cannot be phished by a fake sign-in page. "
              : "Your organisation no longer allows passkeys: yours no longer work. "}
            <Link href="#passkeys" className="font-medium text-brand-700 hover:underline">
              Manage your passkeys
            </Link>
          </p>
        ) : (
          <p>Your organisation does not allow passkeys or security keys.</p>
        )
      }
    >
      {twoFactor.methods.includes("passkey") && preferred !== null ? (
        <PreferredMethodControl method="passkey" label={METHOD_LABELS.passkey} preferred={preferred} />
      ) : null}
    </MethodRow>
  );
}
