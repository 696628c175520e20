"use client";

import { useEffect, useRef } from "react";
import { useRouter } from "next/navigation";
import type { FormState } from "@/lib/action";
import { ACCESS_CONFIRMED_FRAGMENT, confirmAccessPath } from "@/lib/auth/recent-authentication";

/*
 * Sudo mode on the client. When a sensitive action answers `reauthenticate`,
 * the form's last submission is kept in this tab's sessionStorage (never a
 * password field) and the browser goes to /confirm-access. Coming back, the
 * same form on the same page finds it, fills itself in and submits again, so
 * the change the user asked for happens once they have confirmed. The server
 * checks everything again: this only saves the user from typing it twice.
 */

const STORAGE_PREFIX = "twofold.pending-submission:";
/** A resubmission older than the confirmation window is not what the user is doing any more. */
const PENDING_LIFETIME_MS = 15 * 60 * 1000;

type Pending = { fields: [string, string][]; submitter: [string, string] | null; savedAt: number };

/** The same form on the same page: its position and the names of its fields. */
function storageKey(form: HTMLFormElement): string {
  const names = Array.from(form.elements)
    .map((element) => (element as HTMLInputElement).name)
    .filter((name) => name && !name.startsWith("$ACTION"));
  const position = Array.from(document.forms).indexOf(form);
  return `${STORAGE_PREFIX}${window.location.pathname}${window.location.search}#${position}:${[...new Set(names)].join(",")}`;
}

/** Never kept: passwords, and one-time codes (a recovery code must not sit in storage; a stale code is no use anyway). */
function isSecret(form: HTMLFormElement, name: string): boolean {
  const element = form.elements.namedItem(name);
  return (
    element instanceof HTMLInputElement &&
    (element.type === "password" || element.type === "file" || element.autocomplete === "one-time-code")
  );
}

function savedSubmission(form: HTMLFormElement, submitter: HTMLElement | null): Pending {
  const data = new FormData(form, submitter);
  const fields: [string, string][] = [];
  for (const [name, value] of data) {
    if (typeof value === "string" && !name.startsWith("$ACTION") && !isSecret(form, name)) fields.push([name, value]);
  }
  const named = submitter as HTMLButtonElement | null;
  return { fields, submitter: named?.name ? [named.name, named.value] : null, savedAt: Date.now() };
}

/** Sets a value the way typing would, so inputs React controls see it too. */
function setValue(element: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement, value: string) {
  const prototype = Object.getPrototypeOf(element) as object;
  Object.getOwnPropertyDescriptor(prototype, "value")?.set?.call(element, value);
  element.dispatchEvent(new Event("input", { bubbles: true }));
  element.dispatchEvent(new Event("change", { bubbles: true }));
}

function restore(form: HTMLFormElement, pending: Pending) {
  const values = new Map<string, string[]>();
  for (const [name, value] of pending.fields) values.set(name, [...(values.get(name) ?? []), value]);
  for (const field of Array.from(form.elements)) {
    if (!(
      field instanceof HTMLInputElement ||
      field instanceof HTMLTextAreaElement ||
      field instanceof HTMLSelectElement
    ))
      continue;
    if (!field.name || field.name.startsWith("$ACTION") || isSecret(form, field.name)) continue;
    const wanted = values.get(field.name);
    if (field instanceof HTMLInputElement && (field.type === "checkbox" || field.type === "radio")) {
      const checked = Boolean(wanted?.includes(field.value));
      // A click, as a person would: React's onChange and a controlled input's state follow.
      // (Choosing one radio un-chooses the others; a radio cannot be clicked off.)
      if (field.checked !== checked && (field.type === "checkbox" || checked)) field.click();
    } else if (wanted && field.type !== "hidden" && field.type !== "submit") {
      setValue(field, wanted[0] ?? "");
    }
  }
}

export function ResumeAfterConfirmAccess({ state }: { state: FormState<unknown> }) {
  const anchor = useRef<HTMLSpanElement>(null);
  const lastSubmission = useRef<Pending | null>(null);
  const router = useRouter();

  // Remember each submission of this form as it happens, with the button that sent it.
  useEffect(() => {
    const form = anchor.current?.closest("form");
    if (!form) return;
    const onSubmit = (event: SubmitEvent) => {
      lastSubmission.current = savedSubmission(form, event.submitter);
    };
    form.addEventListener("submit", onSubmit);
    return () => form.removeEventListener("submit", onSubmit);
  }, []);

  // Back from /confirm-access: finish what the user started.
  useEffect(() => {
    const form = anchor.current?.closest("form");
    if (!form) return;
    const key = storageKey(form);
    const stored = window.sessionStorage.getItem(key);
    if (!stored) return;
    window.sessionStorage.removeItem(key);
    const pending = JSON.parse(stored) as Pending;
    if (Date.now() - pending.savedAt > PENDING_LIFETIME_MS) return;
    restore(form, pending);
    // Back without confirming (Cancel, Back): what was typed is there again, and nothing is sent.
    if (window.location.hash !== `#${ACCESS_CONFIRMED_FRAGMENT}`) return;
    window.history.replaceState(window.history.state, "", `${window.location.pathname}${window.location.search}`);
    // Passwords are never kept: a form that needs one waits for the user to type it.
    const emptySecret = Array.from(form.querySelectorAll<HTMLInputElement>("input[type=password][required]")).find(
      (input) => !input.value,
    );
    if (emptySecret) {
      emptySecret.focus();
      return;
    }
    const submitter = pending.submitter
      ? Array.from(form.querySelectorAll<HTMLButtonElement>("button[name]")).find(
          (button) => button.name === pending.submitter![0] && button.value === pending.submitter![1],
        )
      : undefined;
    form.requestSubmit(submitter);
  }, []);

  // The server asked for a fresh confirmation: keep the submission and go.
  useEffect(() => {
    if (state.status !== "reauthenticate") return;
    const form = anchor.current?.closest("form");
    if (form && lastSubmission.current) {
      window.sessionStorage.setItem(storageKey(form), JSON.stringify(lastSubmission.current));
    }
    router.push(confirmAccessPath(`${window.location.pathname}${window.location.search}`));
  }, [state, router]);

  return <span ref={anchor} hidden />;
}
