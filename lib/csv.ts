/*
 * CSV for exports: RFC 4180 quoting, and safe to open in a spreadsheet. A
 * cell a spreadsheet would read as a formula (starting with = + - @, a tab or
 * a carriage return) gets a leading apostrophe, so "=HYPERLINK(…)" in
 * someone's name stays text (OWASP "CSV Injection"; ASVS 5.0 V1.2.10).
 * Every text cell is quoted, not only those holding a comma: a spreadsheet
 * set to a locale whose separator is ";" (de, fr, nl) or reading tabs would
 * otherwise split `x;=1+cmd|…` into a second cell that starts a formula.
 */

const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell: text is neutralised if it could start a formula, and always quoted; numbers and booleans as they are. */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined || value === "") return "";
  if (typeof value !== "string") return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return `"${text.replaceAll('"', '""')}"`;
}

export function csvRow(cells: Array<string | number | boolean | null | undefined>): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}

/**
 * A CSV body that reads its rows a batch at a time, as the client takes them:
 * the header goes out first, each further pull reads one more batch, so an
 * export of any size never holds more than one batch in memory.
 */
export function csvStream(
  header: string[],
  batches: AsyncIterator<Array<Array<string | number | boolean | null | undefined>>>,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(csvRow(header)));
    },
    async pull(controller) {
      const next = await batches.next();
      if (next.done) {
        controller.close();
        return;
      }
      controller.enqueue(encoder.encode(next.value.map(csvRow).join("")));
    },
    async cancel() {
      await batches.return?.();
    },
  });
}
