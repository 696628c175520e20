import type { ReactNode } from "react";
import { RowActionForm } from "@/components/row-action-form";
import { Card } from "@/components/ui/card";
import { Notice } from "@/components/ui/notice";
import type { FormState } from "@/lib/action";

/**
 * One role or one group on its admin page: why it cannot be changed when it is
 * beyond the actor's reach (lib/admin/delegation.ts), its forms, and a delete
 * button that asks first, offered only when the actor may edit it.
 */
export function RoleGroupCard({
  kind,
  item,
  description,
  editable,
  outOfReach,
  deleteAction,
  deleteConsequence,
  children,
}: {
  kind: "role" | "group";
  item: { id: number; name: string };
  description: string;
  editable: boolean;
  /** Shown when not editable: who can change it instead. */
  outOfReach: string;
  deleteAction: (state: FormState, formData: FormData) => Promise<FormState>;
  deleteConsequence: string;
  children: ReactNode;
}) {
  return (
    <Card title={item.name} id={`${kind}-${item.id}`} description={description}>
      {editable ? null : (
        <div className="mb-4">
          <Notice>{outOfReach}</Notice>
        </div>
      )}
      {children}
      {editable ? (
        <div className="mt-4 border-t border-slate-100 pt-4">
          <RowActionForm
            action={deleteAction}
            fields={{ [kind]: item.id }}
            label={`Delete ${kind}`}
            accessibleName={`Delete ${kind} ${item.name}`}
            variant="danger"
            pendingLabel="Deleting…"
            confirmation={{ title: `Delete the ${kind} “${item.name}”?`, consequence: deleteConsequence, confirmLabel: "Delete" }}
          />
        </div>
      ) : null}
    </Card>
  );
}
