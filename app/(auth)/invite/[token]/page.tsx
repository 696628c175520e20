import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { InvitationAcceptForm } from "@/app/(auth)/invite/[token]/_components/invitation-accept-form";
import { allowAnyone, getCurrentSession } from "@/lib/auth/guards";
import { viewInvitation } from "@/lib/data/invitation-acceptance";

// The token is in the address: never hand it to another site as a referrer.
export const metadata: Metadata = { title: "Accept your invitation", referrer: "no-referrer" };

/** Showing the page only reads the link; accepting it (the form's POST) is what spends it. */
export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  await allowAnyone();
  const { token } = await params;
  const invitation = await viewInvitation(token);
  // Unknown, expired, withdrawn or used: one answer, which tells a guesser nothing.
  if (!invitation) notFound();
  const current = await getCurrentSession();
  return (
    <div className="rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
      <h1 className="text-xl font-semibold text-slate-900">Join {invitation.organisationName}</h1>
      <p className="mt-1 text-sm text-slate-600">
        You were invited to sign in to {invitation.organisationName} as{" "}
        <strong className="font-medium text-slate-900">{invitation.email}</strong>. Choose your name and a password to
        accept.
      </p>
      {current ? (
        <p className="mt-3 rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          This browser is signed in as {current.user.email}. Accepting signs that account out here.
        </p>
      ) : null}
      <InvitationAcceptForm token={token} email={invitation.email} organisationName={invitation.organisationName} />
    </div>
  );
}
