import type { ReactNode } from "react";
import { FormStatus } from "@/components/ui/form-status";
import type { FormState } from "@/lib/action";

/**
 * A form's buttons with its one live region right below them, so the answer
 * ("Settings saved", "Please correct the highlighted field.") appears where
 * the person just clicked, not at the top of a long form. The message opens
 * below the row: it never pushes a button sideways. `note` is a standing line
 * under the message, such as what a second button does.
 */
export function SubmitRow({
  state,
  children,
  note,
}: {
  state: FormState<unknown>;
  children: ReactNode;
  note?: ReactNode;
}) {
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-3">{children}</div>
      <FormStatus state={state} />
      {note}
    </div>
  );
}
