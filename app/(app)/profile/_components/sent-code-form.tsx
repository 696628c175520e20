"use client";

import { useActionState } from "react";
import { SubmitButton, type ButtonVariant } from "@/components/ui/button";
import { PhoneNumberField } from "@/components/phone-number-field";
import { Field } from "@/components/ui/field";
import { FormStatus } from "@/components/ui/form-status";
import { Reveal } from "@/components/ui/reveal";
import { initialFormState, type FormState } from "@/lib/action";
import type { PhoneCountry } from "@/lib/phone-countries";
import type { CodeSent } from "@/lib/two-factor/sent-codes/send-outcome-message";

type Action<Data> = (state: FormState<Data>, formData: FormData) => Promise<FormState<Data>>;

export type StartField = {
  id: string;
  name: string;
  label: string;
  type?: "text" | "tel" | "password";
  autoComplete?: string;
  placeholder?: string;
  hint?: string;
  defaultValue?: string;
  /** A phone number: "Country" beside it (the field's name must be mobileNumber). */
  phone?: { countries: PhoneCountry[]; country: string };
};

/**
 * A change that is proven with a code we send: the first form (with the
 * password) sends the code, the second takes it. Used to turn codes on and to
 * verify a new mobile number.
 */
export function SentCodeForm({
  startAction,
  confirmAction,
  fields,
  intro,
  startLabel,
  confirmLabel,
  reveal,
  done = false,
}: {
  startAction: Action<CodeSent>;
  confirmAction: Action<never>;
  fields: StartField[];
  intro?: string;
  startLabel: string;
  confirmLabel: string;
  /** Show a button that opens the form, rather than the form itself. */
  reveal?: { label: string; labelContext?: string; variant?: ButtonVariant };
  /**
   * The change is in place (the page re-rendered after it): offer nothing,
   * but keep the answer to the change just made on screen.
   */
  done?: boolean;
}) {
  const [started, start] = useActionState(startAction, initialFormState);
  const [confirmed, confirm] = useActionState(confirmAction, initialFormState);

  if (confirmed.status === "success") return <FormStatus state={confirmed} />;
  if (done) return null;

  if (started.data) {
    return (
      <form data-expanded action={confirm} className="space-y-4 sm:max-w-sm" noValidate>
        <FormStatus state={confirmed.status === "error" ? confirmed : started} />
        <Field
          label="Code"
          id={`${fields[0]?.id ?? "sent"}-code`}
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          autoFocus
          required
          hint={`The 6‑digit code we sent to ${started.data.sentTo}.`}
          error={confirmed.fieldErrors?.code}
        />
        <SubmitButton pendingLabel="Checking…">{confirmLabel}</SubmitButton>
      </form>
    );
  }

  const form = (
    <form data-expanded action={start} className="space-y-4 sm:max-w-sm" noValidate>
      {intro ? <p className="text-sm text-slate-700">{intro}</p> : null}
      <FormStatus state={started} />
      {fields.map(({ defaultValue, phone, ...field }, index) =>
        phone ? (
          <PhoneNumberField
            key={`${field.name}:${started.values?.[field.name] ?? ""}:${started.values?.country ?? ""}`}
            id={field.id}
            countries={phone.countries}
            country={started.values?.country || phone.country}
            number={started.values?.[field.name] ?? defaultValue}
            hint={field.hint}
            errors={{ country: started.fieldErrors?.country, mobileNumber: started.fieldErrors?.[field.name] }}
            autoFocus={Boolean(reveal) && index === 0}
          />
        ) : (
          <Field
            // Keyed on the echoed value too: a refused value remounts the field
            // with it, rather than relying on React's post-action form reset
            // (which can restore the previous default) to show it.
            key={`${field.name}:${started.values?.[field.name] ?? ""}`}
            {...field}
            autoFocus={Boolean(reveal) && index === 0}
            required={field.type === "password"}
            defaultValue={started.values?.[field.name] ?? defaultValue}
            error={started.fieldErrors?.[field.name]}
          />
        ),
      )}
      <SubmitButton pendingLabel="Sending…">{startLabel}</SubmitButton>
    </form>
  );
  return reveal ? (
    <Reveal label={reveal.label} labelContext={reveal.labelContext} variant={reveal.variant}>
      {() => form}
    </Reveal>
  ) : (
    form
  );
}
