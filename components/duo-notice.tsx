import { duoMessage, type DuoNotice } from "@/lib/two-factor/duo/messages";

/** What came of a Duo round trip that sent the browser back here refused. */
export function DuoNoticeAlert({ notice }: { notice: DuoNotice | null }) {
  if (!notice) return null;
  return (
    <p role="alert" className="mt-4 rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
      {duoMessage(notice)}
    </p>
  );
}
