import { describe, expect, it } from "vitest";
import { csvCell, csvRow, csvStream } from "@/lib/csv";

describe("CSV cells", () => {
  it.each([
    ["Alice", '"Alice"'],
    ['=HYPERLINK("http://evil")', '"\'=HYPERLINK(""http://evil"")"'],
    ["+1 555", '"\'+1 555"'],
    ["-2+3", '"\'-2+3"'],
    ["@SUM(A1)", '"\'@SUM(A1)"'],
    ["\tTabbed", '"\'\tTabbed"'],
    // A ";" or tab separator (de, fr, nl locales) cannot split a quoted cell into one that starts a formula.
    ["x;=1+cmd|' /C calc'!A0", "\"x;=1+cmd|' /C calc'!A0\""],
    ["Mozilla/5.0\t=cmd", '"Mozilla/5.0\t=cmd"'],
    ["\rReturn", '"\'\rReturn"'],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ["two\nlines", '"two\nlines"'],
    ["", ""],
  ])("%j is written as %j", (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it("writes numbers, booleans and empty values as they are", () => {
    expect(csvRow([-5, true, null, undefined, "x"])).toBe('-5,true,,,"x"\r\n');
  });
});

describe("CSV streaming", () => {
  it("sends the header and first rows before the last batch is read", async () => {
    let batchesRead = 0;
    async function* batches() {
      for (let batch = 1; batch <= 3; batch++) {
        batchesRead = batch;
        yield [[`row ${batch}`]];
      }
    }
    const reader = csvStream(["name"], batches()).getReader();
    const decoder = new TextDecoder();
    const first = await reader.read();
    expect(decoder.decode(first.value)).toBe('"name"\r\n');
    const second = await reader.read();
    expect(decoder.decode(second.value)).toBe('"row 1"\r\n');
    expect(batchesRead).toBe(1);
    expect(decoder.decode((await reader.read()).value)).toBe('"row 2"\r\n');
    expect(decoder.decode((await reader.read()).value)).toBe('"row 3"\r\n');
    expect(batchesRead).toBe(3);
    expect((await reader.read()).done).toBe(true);
  });
});
