import type { AdoptionDay } from "@/lib/data/adoption";

const SERIES = [
  { key: "protected", label: "Protected", color: "#15803d", dash: undefined, width: 3 },
  { key: "owing", label: "Required, not set up", color: "#b91c1c", dash: "6 4", width: 3 },
] as const;

function owing(counts: Record<string, number>): number {
  return (counts.in_grace ?? 0) + (counts.past_grace ?? 0);
}

function valueOf(key: (typeof SERIES)[number]["key"], counts: Record<string, number>): number {
  return key === "protected" ? (counts.protected ?? 0) : owing(counts);
}

/**
 * "Protected" and "Required, not set up" over the days with a snapshot: two
 * lines told apart by dash as well as colour, a legend naming them, and the
 * numbers in a table below for screen readers (the drawing is hidden from them).
 */
export function AdoptionHistory({ history }: { history: AdoptionDay[] }) {
  if (history.length === 0) {
    return (
      <p className="text-sm text-slate-600">
        No history yet: Twofold records the counts once a day, and the chart starts with the first day recorded.
      </p>
    );
  }
  const max = Math.max(1, ...history.flatMap(({ counts }) => SERIES.map(({ key }) => valueOf(key, counts))));
  const width = Math.max(1, history.length - 1);
  const points = (key: (typeof SERIES)[number]["key"]) => {
    const values = history.map(({ counts }) => valueOf(key, counts));
    // A single day is drawn as a flat line across.
    const drawn = values.length === 1 ? [values[0]!, values[0]!] : values;
    return drawn.map((value, index) => `${index},${(1 - value / max) * 100}`).join(" ");
  };
  return (
    <div className="space-y-3">
      <ul aria-label="Legend" className="flex flex-wrap gap-x-6 gap-y-2 text-sm text-slate-800">
        {SERIES.map((series) => (
          <li key={series.key} className="flex items-center gap-2">
            <svg aria-hidden="true" width="32" height="10">
              <line
                x1="0"
                y1="5"
                x2="32"
                y2="5"
                stroke={series.color}
                strokeWidth={series.width}
                strokeDasharray={series.dash}
              />
            </svg>
            {series.label}
          </li>
        ))}
      </ul>
      <div className="flex gap-2" aria-hidden="true">
        <div className="flex h-40 flex-col justify-between text-right text-xs text-slate-600 tabular-nums">
          <span>{max}</span>
          <span>0</span>
        </div>
        <div className="flex-1">
          <svg
            width="100%"
            height="160"
            viewBox={`0 0 ${width} 100`}
            preserveAspectRatio="none"
            className="block rounded border border-slate-200 bg-slate-50"
          >
            <line x1="0" y1="50" x2={width} y2="50" stroke="#e2e8f0" vectorEffect="non-scaling-stroke" />
            {SERIES.map((series) => (
              <polyline
                key={series.key}
                points={points(series.key)}
                fill="none"
                stroke={series.color}
                strokeWidth={series.width}
                strokeDasharray={series.dash}
                strokeLinejoin="round"
                vectorEffect="non-scaling-stroke"
              />
            ))}
          </svg>
          <div className="mt-1 flex justify-between text-xs text-slate-600">
            <span>{history[0]!.day}</span>
            <span>{history.at(-1)!.day}</span>
          </div>
        </div>
      </div>
      <details className="text-sm">
        <summary className="cursor-pointer font-medium text-brand-700">Show the numbers</summary>
        <div className="mt-2 max-h-80 overflow-auto">
          <table className="w-full text-left text-sm">
            <caption className="pb-2 text-left text-slate-600">Adoption by day (UTC)</caption>
            <thead className="border-b border-slate-200 text-slate-700">
              <tr>
                <th scope="col" className="py-1 pr-4 font-semibold">
                  Day
                </th>
                {SERIES.map((series) => (
                  <th key={series.key} scope="col" className="py-1 pr-4 text-right font-semibold">
                    {series.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {history.map(({ day, counts }) => (
                <tr key={day}>
                  <th scope="row" className="py-1 pr-4 font-normal">
                    {day}
                  </th>
                  {SERIES.map((series) => (
                    <td key={series.key} className="py-1 pr-4 text-right tabular-nums">
                      {valueOf(series.key, counts)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </div>
  );
}
