import { csvStream } from "@/lib/csv";
import type { CsvExport } from "@/lib/data/exports";

/**
 * A streamed CSV download. no-store: an export is personal data and must not
 * stay in a shared cache (ASVS 5.0 V14.3.2).
 */
export function csvDownload(name: string, csv: CsvExport, now = new Date()): Response {
  const day = now.toISOString().slice(0, 10);
  return new Response(csvStream(csv.header, csv.batches), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="twofold-${name}-${day}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
