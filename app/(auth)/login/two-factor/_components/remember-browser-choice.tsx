/** "Remember this browser for 90 days": skips the second factor next time, for this user only. */
export function RememberBrowserChoice({ id = "remember" }: { id?: string }) {
  return (
    <div className="flex items-center gap-3">
      <input id={id} name="remember" type="checkbox" className="h-4 w-4 rounded border-slate-300 text-brand-600" />
      <label htmlFor={id} className="text-sm text-slate-800">
        Remember this browser for 90 days
      </label>
    </div>
  );
}
