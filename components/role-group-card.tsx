import type { ReactNode } from "react";
import { NameCreateForm } from "@/components/name-create-form";
import { RowActionForm } from "@/components/row-action-form";
import { Card } from "@/components/ui/card";
import { Notice } from "@/components/ui/notice";
import type { FormState } from "@/lib/action";

type FormAction = (state: FormState, formData: FormData) => Promise<FormState>;

/** The roles page or the groups page: its heading, the result of the last action, a form to create one, then the list (`children`). */
export function RoleGroupPage({
  kind,
  intro,
  createAction,
  notice,
  children,
}: {
  kind: "role" | "group";
  intro: string;
  createAction: FormAction;
  /** What the action that led here did, at the top where the eye lands after it. */
  notice?: ReactNode;
  children: ReactNode;
}) {
  const Kind = kind === "role" ? "Role" : "Group";
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{Kind}s</h1>
        <p className="mt-1 text-sm text-slate-600">{intro}</p>
      </div>
      {notice ? <div role="status">{notice}</div> : null}
      <Card title={`New ${kind}`} id={`new-${kind}`}>
        <NameCreateForm action={createAction} label={`${Kind} name`} submitLabel={`Create ${kind}`} />
      </Card>
      {children}
    </div>
  );
}

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
  deleteAction: FormAction;
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
            confirmation={{
              title: `Delete the ${kind} “${item.name}”?`,
              consequence: deleteConsequence,
              confirmLabel: "Delete",
            }}
          />
        </div>
      ) : null}
    </Card>
  );
}
