"use client";

import { CopyButton } from "@/components/copy-button";
import { buttonClasses } from "@/components/ui/button";

/** Recovery codes, shown once, with ways to keep them. */
export function RecoveryCodesList({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const text = `Twofold recovery codes. Each works once.\n\n${codes.join("\n")}\n`;

  function download() {
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
    link.download = "twofold-recovery-codes.txt";
    link.click();
    URL.revokeObjectURL(link.href);
  }

  return (
    <div className="space-y-4">
      <div className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">
        <p className="font-medium">Save your recovery codes now.</p>
        <p className="mt-1">
          They let you sign in if you lose your phone. Each works once, and they will not be shown again.
        </p>
      </div>
      <ul
        aria-label="Recovery codes"
        className="grid grid-cols-[repeat(auto-fill,minmax(9rem,1fr))] gap-2 rounded-lg bg-slate-50 p-4 font-mono text-sm whitespace-nowrap text-slate-900"
      >
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ul>
      <div className="flex flex-wrap items-center gap-3">
        <button type="button" className={buttonClasses("secondary")} onClick={download}>
          Download
        </button>
        <button type="button" className={buttonClasses("primary")} onClick={onDone}>
          I have saved my recovery codes
        </button>
        <CopyButton text={text} label="Copy" />
      </div>
    </div>
  );
}
