"use client";

import Link from "next/link";
import { createContext, useContext, useEffect, useId, useRef, useState, type ReactNode } from "react";
import { buttonClasses } from "@/components/ui/button";
import { FormStatus } from "@/components/ui/form-status";
import { DIALOG_CLASSES, DialogButtons, DialogReasonField } from "@/components/row-action-form";
import { initialFormState, type FormState } from "@/lib/action";
import { BULK_ACTION_LABELS, BULK_ACTIONS, BULK_SKIP_REASONS, type BulkAction } from "@/lib/admin/bulk-actions";
import type { BulkBatchResult, BulkSkip, BulkTarget } from "@/lib/data/admin-bulk-actions";
import { RESET_REASON_MAX_LENGTH } from "@/lib/admin/reset-reason";
import { confirmAccessPath } from "@/lib/auth/recent-authentication";
import { previewBulkAction, runBulkActionBatch, type BulkPreview } from "@/app/(app)/admin/users/bulk-actions";

/*
 * Selection and bulk actions on /admin/users. The rows are the server's; this
 * keeps which are ticked, asks the server how many the action affects, then
 * calls it a batch at a time (ticked ids 50 by 50, or the filter's next page
 * by id), showing progress while the page stays usable. Nothing here decides
 * who may be acted on: the server does, for every target.
 */

/** As many ids as one server call works through (BULK_BATCH_SIZE on the server; it refuses more). */
const BATCH = 50;

type Selection = {
  ticked: Map<number, string>;
  all: boolean;
  toggle: (row: BulkTarget) => void;
  setPage: (checked: boolean) => void;
  rows: BulkTarget[];
};

const SelectionContext = createContext<Selection | null>(null);

function useSelection(): Selection {
  const selection = useContext(SelectionContext);
  if (!selection) throw new Error("Inside BulkUsers only.");
  return selection;
}

/** A row's checkbox: "Select Ada Lovelace". */
export function RowCheckbox({ id, name }: BulkTarget) {
  const { ticked, all, toggle } = useSelection();
  return (
    <input
      type="checkbox"
      aria-label={`Select ${name}`}
      checked={all || ticked.has(id)}
      disabled={all}
      onChange={() => toggle({ id, name })}
      className="size-4 rounded border-slate-400 accent-brand-600"
    />
  );
}

/** The header's checkbox: every row on this page. */
export function PageCheckbox() {
  const { ticked, all, setPage, rows } = useSelection();
  const every = rows.length > 0 && rows.every((row) => ticked.has(row.id));
  return (
    <input
      type="checkbox"
      aria-label="Select all on this page"
      checked={all || every}
      disabled={all || rows.length === 0}
      onChange={(event) => setPage(event.target.checked)}
      className="size-4 rounded border-slate-400 accent-brand-600"
    />
  );
}

type Run =
  | { phase: "idle" }
  | { phase: "running"; action: BulkAction; total: number; processed: number }
  | { phase: "finished"; action: BulkAction; done: number; skipped: BulkSkip[] };

function selectionFields(ticked: Map<number, string>, all: boolean, search: string): Record<string, string> {
  return all ? { search } : { ids: [...ticked.keys()].join(",") };
}

function formData(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  return data;
}

/**
 * The toolbar, confirmation, progress and result, around the table
 * (`children`), whose rows hold RowCheckbox and PageCheckbox.
 */
export function BulkUsers({
  rows,
  matches,
  matchCap,
  approximate,
  filtered,
  search,
  children,
}: {
  rows: BulkTarget[];
  /** How many the filter matches now (the list's count, which stops just above `matchCap`). */
  matches: number;
  /** Above this the list's count is "more than": the confirmation asks the server for the true number. */
  matchCap: number;
  /** `matches` is a large organisation's summary count (a minute old at most), said "about". */
  approximate: boolean;
  filtered: boolean;
  /** The list's search and filters as an address query, for "all matching". */
  search: string;
  children: ReactNode;
}) {
  const [ticked, setTicked] = useState<Map<number, string>>(new Map());
  const [all, setAll] = useState(false);
  const [status, setStatus] = useState<FormState<unknown>>(initialFormState);
  const [preview, setPreview] = useState<(BulkPreview & { action: BulkAction }) | null>(null);
  const [reasonError, setReasonError] = useState<string | undefined>();
  const [run, setRun] = useState<Run>({ phase: "idle" });
  /** The first batch is on its way: the dialog's button does not start a second run. */
  const [starting, setStarting] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const result = useRef<HTMLHeadingElement>(null);
  const id = useId();

  const selected = all ? matches : ticked.size;
  const cap = matchCap.toLocaleString("en-GB");
  const overCap = !approximate && matches > matchCap;
  const about = `about ${matches.toLocaleString("en-GB")}`;
  const running = run.phase === "running";

  const selection: Selection = {
    ticked,
    all,
    rows,
    toggle: (row) =>
      setTicked((previous) => {
        const next = new Map(previous);
        if (next.has(row.id)) next.delete(row.id);
        else next.set(row.id, row.name);
        return next;
      }),
    setPage: (checked) =>
      setTicked((previous) => {
        const next = new Map(previous);
        for (const row of rows) {
          if (checked) next.set(row.id, row.name);
          else next.delete(row.id);
        }
        return next;
      }),
  };

  async function ask(action: BulkAction) {
    setStatus(initialFormState);
    const answer = await previewBulkAction(
      initialFormState,
      formData({ action, ...selectionFields(ticked, all, search) }),
    );
    if (answer.status !== "success" || !answer.data) {
      setStatus(answer);
      return;
    }
    setReasonError(undefined);
    setPreview({ ...answer.data, action });
  }

  // The dialog opens once its words are there, with the safe choice focused.
  useEffect(() => {
    if (!preview || dialog.current?.open) return;
    dialog.current?.showModal();
    cancel.current?.focus();
  }, [preview]);

  async function go(reason: string) {
    if (!preview) return;
    const { action, count } = preview;
    const fields = selectionFields(ticked, all, search);
    const batches = all ? null : [...ticked.keys()];
    let after = 0;
    let processed = 0;
    let done = 0;
    const skipped: BulkSkip[] = [];
    setStarting(true);
    for (let index = 0; ; index++) {
      const batchFields: Record<string, string> = batches
        ? { action, ids: batches.slice(index * BATCH, (index + 1) * BATCH).join(",") }
        : { action, search: fields.search!, after: String(after) };
      if (action === "reset") batchFields.reason = reason;
      const answer = await runBulkActionBatch(initialFormState, formData(batchFields));
      setStarting(false);
      if (answer.fieldErrors?.reason) {
        // Before anything was done: the reason is asked for again, in the dialog.
        setReasonError(answer.fieldErrors.reason);
        return;
      }
      if (index === 0) {
        dialog.current?.close();
        setRun({ phase: "running", action, total: count, processed: 0 });
      }
      if (answer.status !== "success" || !answer.data) {
        setStatus(answer);
        break;
      }
      const batch: BulkBatchResult = answer.data;
      processed += batch.done.length + batch.skipped.length;
      done += batch.done.length;
      skipped.push(...batch.skipped);
      setRun({ phase: "running", action, total: Math.max(count, processed), processed });
      const more = batches ? (index + 1) * BATCH < batches.length : batch.after !== null;
      if (!more) break;
      after = batch.after ?? 0;
    }
    setRun({ phase: "finished", action, done, skipped });
    setTicked(new Map());
    setAll(false);
    setPreview(null);
    // The result's heading takes focus, so keyboard and screen-reader users land on what happened.
    requestAnimationFrame(() => result.current?.focus());
  }

  return (
    <SelectionContext.Provider value={selection}>
      <div
        role="region"
        aria-label="Bulk actions"
        className="sticky top-0 z-10 rounded-xl border border-slate-200 bg-white/95 p-3 shadow-sm backdrop-blur"
      >
        <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
          <p aria-live="polite" aria-atomic="true" className="text-sm font-medium text-slate-800">
            {selected === 0 && !all
              ? "No one selected"
              : all && overCap
                ? `More than ${cap} selected`
                : all && approximate
                  ? `${about[0]!.toUpperCase()}${about.slice(1)} selected`
                  : `${selected} selected`}
            {all ? " (everyone matching this filter)" : ""}
          </p>
          {filtered && !all && (matches > 0 || rows.length > 0) ? (
            <button
              type="button"
              onClick={() => setAll(true)}
              disabled={running}
              className="text-sm font-medium text-brand-700 underline hover:text-brand-800"
            >
              {overCap
                ? `Select all matching this filter (more than ${cap})`
                : approximate
                  ? `Select all matching this filter (${about})`
                  : `Select all ${matches} matching this filter`}
            </button>
          ) : null}
          {all || ticked.size > 0 ? (
            <button
              type="button"
              onClick={() => {
                setAll(false);
                setTicked(new Map());
              }}
              disabled={running}
              className="text-sm font-medium text-brand-700 underline hover:text-brand-800"
            >
              Clear selection
            </button>
          ) : null}
        </div>
        {all ? (
          <p className="mt-1 text-xs text-slate-600">
            The server finds everyone matching this filter again when the action runs, so the number may change by then.
          </p>
        ) : null}
        <div className="mt-3 flex flex-wrap gap-2">
          {BULK_ACTIONS.map((action) => (
            <button
              key={action}
              type="button"
              disabled={selected === 0 || running}
              onClick={() => void ask(action)}
              className={buttonClasses(
                action === "reset" || action === "disable" ? "danger" : "secondary",
                "px-3 py-1.5 text-sm disabled:cursor-not-allowed disabled:opacity-50",
              )}
            >
              {BULK_ACTION_LABELS[action]}
            </button>
          ))}
        </div>
        {/* Spaced only when they say something: an empty live region takes no room. */}
        <div className="[&_p]:mt-3">
          <FormStatus state={status} />
        </div>
        <div aria-live="polite" aria-atomic="true">
          {run.phase === "running" ? (
            <div className="mt-3 space-y-1">
              <label htmlFor={`${id}-progress`} className="block text-sm text-slate-800">
                {BULK_ACTION_LABELS[run.action]}: {run.processed} of {run.total} done
              </label>
              <progress id={`${id}-progress`} value={run.processed} max={run.total} className="h-2 w-full max-w-md" />
            </div>
          ) : null}
        </div>
        {run.phase === "finished" ? (
          <section aria-labelledby={`${id}-result`} className="mt-3 rounded-lg border border-slate-200 bg-slate-50 p-3">
            <h2 id={`${id}-result`} ref={result} tabIndex={-1} className="text-sm font-semibold text-slate-900">
              {BULK_ACTION_LABELS[run.action]}: done {run.done}, skipped {run.skipped.length}
            </h2>
            {run.skipped.length > 0 ? (
              <ul aria-label="Skipped" className="mt-2 list-disc space-y-0.5 pl-5 text-sm text-slate-700">
                {run.skipped.map((skip, index) => (
                  <li key={`${skip.id ?? "x"}-${index}`}>
                    {skip.name} — {skip.message ?? BULK_SKIP_REASONS[skip.reason]}
                  </li>
                ))}
              </ul>
            ) : null}
          </section>
        ) : null}
      </div>

      {children}

      <dialog
        ref={dialog}
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-consequence`}
        onClose={() => setPreview(null)}
        className={DIALOG_CLASSES}
      >
        {preview ? (
          <form
            onSubmit={(event) => {
              event.preventDefault();
              void go(String(new FormData(event.currentTarget).get("reason") ?? ""));
            }}
          >
            <h2 id={`${id}-title`} className="text-base font-semibold text-slate-900">
              {preview.title}
            </h2>
            <p id={`${id}-consequence`} className="mt-2 text-sm text-slate-600">
              {preview.consequence} Anyone you may not act on is skipped and listed at the end.
            </p>
            {preview.confirmAccessFirst ? (
              <p
                id={`${id}-confirm-access`}
                className="mt-3 rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
              >
                {BULK_ACTION_LABELS[preview.action]} needs your access confirmed in the last 15 minutes. Confirm it
                first: you come back to this list with the same search and filters, but{" "}
                {all
                  ? "you will need to choose “Select all matching this filter” again."
                  : "the rows you ticked are not kept: tick them again."}
              </p>
            ) : preview.action === "reset" ? (
              <DialogReasonField
                id={id}
                reason={{ label: "Reason (recorded and emailed to each person)", maxLength: RESET_REASON_MAX_LENGTH }}
                error={reasonError}
              />
            ) : null}
            <DialogButtons cancelRef={cancel} onCancel={() => dialog.current?.close()}>
              {preview.confirmAccessFirst ? (
                <Link
                  href={confirmAccessPath(search ? `/admin/users?${search}` : "/admin/users")}
                  aria-describedby={`${id}-confirm-access`}
                  className={buttonClasses("primary")}
                >
                  Confirm access
                </Link>
              ) : (
                <button type="submit" disabled={starting} className={buttonClasses("danger")}>
                  {starting ? "Working…" : BULK_ACTION_LABELS[preview.action]}
                </button>
              )}
            </DialogButtons>
          </form>
        ) : null}
      </dialog>
    </SelectionContext.Provider>
  );
}
