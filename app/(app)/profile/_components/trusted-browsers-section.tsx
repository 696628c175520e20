import { forgetBrowserAction } from "@/app/(app)/profile/two-factor-actions";
import { TrustedBrowsersForgetAllForm } from "@/app/(app)/profile/_components/trusted-browser-forget-form";
import { RowActionForm } from "@/components/row-action-form";
import type { OwnTrustedBrowser } from "@/lib/data/profile-factors";
import { formatDateTime } from "@/lib/format";
import { viewerTimeZone } from "@/lib/flows/viewer-time-zone";
import { LocalTime } from "@/components/ui/local-time";
import { describeUserAgent } from "@/lib/user-agent";

/** "Remembered browsers": each can be forgotten, or all at once. */
export async function TrustedBrowsersSection({ browsers }: { browsers: OwnTrustedBrowser[] }) {
  const timeZone = await viewerTimeZone();
  return (
    <div>
      <h3 className="text-sm font-semibold text-slate-900">Remembered browsers</h3>
      <p className="mt-1 text-sm text-slate-600">
        These browsers skip the code at sign-in for 90 days; your password is still needed.
      </p>
      {browsers.length === 0 ? (
        <p className="mt-3 text-sm text-slate-600">No browser is remembered.</p>
      ) : (
        <>
          <ul className="mt-2 divide-y divide-slate-100">
            {browsers.map((browser) => {
              const description = `${describeUserAgent(browser.userAgent)}, remembered ${formatDateTime(browser.createdAt, timeZone)}`;
              return (
                <li key={browser.id} className="flex flex-wrap items-center justify-between gap-3 py-3">
                  <div>
                    <p className="text-sm font-medium text-slate-900">{describeUserAgent(browser.userAgent)}</p>
                    <p className="text-xs text-slate-600">
                      Remembered <LocalTime date={browser.createdAt} /> · last used{" "}
                      {browser.lastUsedAt ? <LocalTime date={browser.lastUsedAt} /> : "never"}
                    </p>
                  </div>
                  <RowActionForm
                    action={forgetBrowserAction}
                    fields={{ browser: browser.id }}
                    label="Forget"
                    accessibleName={`Forget ${description}`}
                    pendingLabel="Forgetting…"
                  />
                </li>
              );
            })}
          </ul>
          <TrustedBrowsersForgetAllForm />
        </>
      )}
    </div>
  );
}
