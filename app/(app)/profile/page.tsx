import type { Metadata } from "next";
import { eq } from "drizzle-orm";
import { getDb } from "@/db";
import { users } from "@/db/schema";
import { PasswordChangeForm } from "@/components/password-change-form";
import { ProfileUpdateForm } from "@/components/profile-update-form";
import { SessionEndForm } from "@/components/session-end-form";
import { Card } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/guards";
import { listSessionsOfUser } from "@/lib/auth/sessions";
import { formatDateTime } from "@/lib/format";
import { twoFactorStatus } from "@/lib/two-factor/status";
import { describeUserAgent } from "@/lib/user-agent";

export const metadata: Metadata = { title: "Profile" };

export default async function ProfilePage() {
  const { user, session: currentSession } = await requireUser();
  const db = getDb();
  const details = db.select({ mobileNumber: users.mobileNumber }).from(users).where(eq(users.id, user.id)).get()!;
  const sessions = listSessionsOfUser(db, user.id);
  const twoFactor = twoFactorStatus(db, user.id);

  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Profile</h1>

      <Card title="Your details" id="details">
        <ProfileUpdateForm name={user.name} email={user.email} mobileNumber={details.mobileNumber} />
      </Card>

      <Card title="Two-factor authentication" id="two-factor" description="A second step at sign-in that a stolen password alone cannot pass.">
        <p className="text-sm text-slate-800">
          {twoFactor.enabled ? "Two-factor authentication is on." : "Two-factor authentication is off."}
        </p>
      </Card>

      <Card title="Password" id="password" description="Changing it signs out your other sessions.">
        <PasswordChangeForm />
      </Card>

      <Card title="Your sessions" id="sessions" description="Where you are signed in. End any session you do not recognise.">
        <ul className="divide-y divide-slate-100">
          {sessions.map((session) => {
            const browser = describeUserAgent(session.userAgent);
            const isCurrent = session.tokenHash === currentSession.tokenHash;
            return (
              <li key={session.tokenHash} className="flex flex-wrap items-center justify-between gap-3 py-3">
                <div>
                  <p className="text-sm font-medium text-slate-900">
                    {browser}
                    {isCurrent ? (
                      <span className="ml-2 rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-800">This browser</span>
                    ) : null}
                  </p>
                  <p className="text-xs text-slate-600">
                    {session.ip ?? "Unknown address"} · signed in {formatDateTime(session.createdAt)} · last active{" "}
                    {formatDateTime(session.lastSeenAt)}
                  </p>
                </div>
                {isCurrent ? null : (
                  <SessionEndForm session={session.tokenHash} description={`${browser}, signed in ${formatDateTime(session.createdAt)}`} />
                )}
              </li>
            );
          })}
        </ul>
      </Card>
    </div>
  );
}
