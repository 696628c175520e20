/** A signing secret, shown this once: selectable text with a label, for copying into the receiver. */
export function SecretOnce({ secret }: { secret: string }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-slate-50 px-4 py-3">
      <label htmlFor="webhook-secret" className="block text-sm font-medium text-slate-800">
        Signing secret
      </label>
      <input
        id="webhook-secret"
        readOnly
        value={secret}
        onFocus={(event) => event.currentTarget.select()}
        className="mt-1 block w-full rounded-lg border border-slate-300 bg-white px-3 py-2 font-mono text-sm text-slate-900"
      />
      <p className="mt-1 text-xs text-slate-600">
        The receiver verifies each request&apos;s <code>webhook-signature</code> header with it (Standard Webhooks).
      </p>
    </div>
  );
}
