import { RowActionForm } from "@/components/row-action-form";
import type { FormState } from "@/lib/action";
import type { SessionView } from "@/lib/auth/sessions";
import { formatDateTime } from "@/lib/format";
import { viewerTimeZone } from "@/lib/flows/viewer-time-zone";
import { LocalTime } from "@/components/ui/local-time";
import { describeUserAgent } from "@/lib/user-agent";

/**
 * Someone's live sessions (browser, address, when signed in and last seen),
 * each with "End session": on the profile for your own, on a user's admin
 * page for theirs. The current session is marked and has no button: "Sign
 * out" ends it.
 */
export async function SessionList({
  sessions,
  currentTokenHash,
  endAction,
  fields = {},
  emptyText = "No active sessions.",
}: {
  sessions: Array<Pick<SessionView, "tokenHash" | "createdAt" | "lastSeenAt" | "ip" | "userAgent">>;
  currentTokenHash?: string;
  endAction?: (state: FormState, formData: FormData) => Promise<FormState>;
  /** Hidden fields the action needs besides the session, such as the user's id. */
  fields?: Record<string, string | number>;
  emptyText?: string;
}) {
  const timeZone = await viewerTimeZone();
  if (sessions.length === 0) return <p className="text-sm text-slate-600">{emptyText}</p>;
  return (
    <ul className="divide-y divide-slate-100">
      {sessions.map((session, index) => {
        const browser = describeUserAgent(session.userAgent);
        const isCurrent = session.tokenHash === currentTokenHash;
        return (
          // The session's id reaches the browser only in the form of someone allowed to end it.
          <li
            key={`${session.createdAt.getTime()}-${index}`}
            className="flex flex-wrap items-center justify-between gap-3 py-3"
          >
            <div>
              <p className="text-sm font-medium text-slate-900">
                {browser}
                {isCurrent ? (
                  <span className="ml-2 rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-800">
                    This browser
                  </span>
                ) : null}
              </p>
              <p className="text-xs text-slate-600">
                {session.ip ?? "Unknown address"} · signed in <LocalTime date={session.createdAt} /> · last active{" "}
                <LocalTime date={session.lastSeenAt} />
              </p>
            </div>
            {isCurrent || !endAction ? null : (
              <RowActionForm
                action={endAction}
                fields={{ ...fields, session: session.tokenHash }}
                label="End session"
                accessibleName={`End session: ${browser}, signed in ${formatDateTime(session.createdAt, timeZone)}`}
                pendingLabel="Ending…"
              />
            )}
          </li>
        );
      })}
    </ul>
  );
}
