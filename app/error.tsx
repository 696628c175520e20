"use client";

import { StatusPage } from "@/components/status-page";

// Details stay in the server log; the browser gets only the digest to quote.
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <StatusPage code="Error" title="Something went wrong">
      <p>
        Please try again. If it keeps happening, tell your administrator
        {error.digest ? ` and quote reference ${error.digest}` : ""}.
      </p>
      <button
        type="button"
        onClick={reset}
        className="mt-4 rounded-lg border border-slate-300 px-3 py-1.5 font-medium text-slate-700 hover:bg-slate-50"
      >
        Try again
      </button>
    </StatusPage>
  );
}
