import Link from "next/link";

/** Every link that cannot be accepted gets this page, whatever the reason. */
export default function InvitationNotFound() {
  return (
    <div className="rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
      <h1 className="text-xl font-semibold text-slate-900">This invitation link cannot be used</h1>
      <p className="mt-2 text-sm text-slate-600">
        It may have expired, been used already, or been replaced or withdrawn. Ask your administrator to send you a new
        invitation.
      </p>
      <p className="mt-4 text-sm text-slate-600">
        Already accepted it?{" "}
        <Link href="/login" className="font-medium text-brand-700 hover:underline">
          Sign in
        </Link>
      </p>
    </div>
  );
}
