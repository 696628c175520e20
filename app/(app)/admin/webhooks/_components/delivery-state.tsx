const TONES = {
  delivered: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  pending: "bg-amber-50 text-amber-900 ring-amber-200",
  failed: "bg-red-50 text-red-800 ring-red-200",
} as const;

const WORDS = { delivered: "Delivered", pending: "Pending", failed: "Failed" } as const;

/** A delivery's state in words (colour only repeats them). */
export function DeliveryState({ state }: { state: keyof typeof TONES }) {
  return (
    <span className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${TONES[state]}`}>
      {WORDS[state]}
    </span>
  );
}
