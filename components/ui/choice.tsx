import type { InputHTMLAttributes, ReactNode } from "react";

/** A labelled checkbox or radio, with an optional line of explanation. */
export function Choice({
  label,
  hint,
  id,
  ...input
}: InputHTMLAttributes<HTMLInputElement> & {
  label: ReactNode;
  hint?: string;
  id: string;
  type: "checkbox" | "radio";
}) {
  return (
    <div className="flex items-start gap-3">
      <input
        id={id}
        aria-describedby={hint ? `${id}-hint` : undefined}
        className="mt-0.5 h-4 w-4 shrink-0 border-slate-300 text-brand-600 focus:ring-brand-500 disabled:opacity-50"
        {...input}
      />
      <div>
        <label htmlFor={id} className="text-sm font-medium text-slate-800">
          {label}
        </label>
        {hint ? (
          <p id={`${id}-hint`} className="text-xs text-slate-600">
            {hint}
          </p>
        ) : null}
      </div>
    </div>
  );
}

/** A titled group of choices: the legend is what a screen reader announces for the group. */
export function ChoiceGroup({ legend, error, children }: { legend: string; error?: string; children: ReactNode }) {
  return (
    <fieldset className="space-y-2" aria-invalid={error ? true : undefined}>
      <legend className="mb-2 text-sm font-semibold text-slate-900">{legend}</legend>
      {children}
      {error ? <p className="text-sm text-red-700">{error}</p> : null}
    </fieldset>
  );
}

export type RadioOption = { value: string; label: string; hint?: string };

/** One radio per option, ids derived from the field name so several groups can share a page. */
export function RadioGroup({
  legend,
  name,
  options,
  defaultValue,
}: {
  legend: string;
  name: string;
  options: readonly RadioOption[];
  defaultValue: string;
}) {
  return (
    <ChoiceGroup legend={legend}>
      {options.map((option) => (
        <Choice
          key={option.value}
          id={`${name}-${option.value}`}
          type="radio"
          name={name}
          value={option.value}
          label={option.label}
          hint={option.hint}
          defaultChecked={defaultValue === option.value}
        />
      ))}
    </ChoiceGroup>
  );
}
