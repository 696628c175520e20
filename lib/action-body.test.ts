import { describe, expect, it } from "vitest";
import { actionBodyProblem, isWellFormedArgumentList } from "@/lib/action-body";

const BOUNDARY = "----WebKitFormBoundaryabc123";
const CONTENT_TYPE = `multipart/form-data; boundary=${BOUNDARY}`;

/** A multipart body as a browser writes it, read as latin1 the way proxy.ts reads it. */
function multipart(parts: { name: string; value: string; extraHeader?: string }[]): string {
  const encoded = parts.map(
    ({ name, value, extraHeader }) =>
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"${extraHeader ?? ""}\r\n\r\n${value}\r\n`,
  );
  return Buffer.from(`${encoded.join("")}--${BOUNDARY}--\r\n`, "utf8").toString("latin1");
}

const check = (body: string, hasActionHeader = true, contentType = CONTENT_TYPE) =>
  actionBodyProblem({ contentType, body, hasActionHeader });

describe("server-action bodies Next.js or React would answer with a 500", () => {
  it("lets through what React's client writes for a form action: a form state and a FormData", () => {
    const body = multipart([
      { name: "1_email", value: "zoë@example.com" },
      { name: "1_code", value: "123456" },
      {
        name: "0",
        value: JSON.stringify([
          { message: "$$5 off", errors: { code: ["Wrong code"] }, at: "$D2026-11-29T05:00:00.000Z" },
          "$K1",
        ]),
      },
    ]);
    expect(check(body)).toBeNull();
    expect(check(multipart([{ name: "0", value: '["$K1"]' }]))).toBeNull();
    expect(
      check(
        multipart([
          { name: "0", value: '["token-from-bind",{"message":"$undefined","n":"$n12","x":"$NaN","el":"$T"},"$K1"]' },
        ]),
      ),
    ).toBeNull();
  });

  it("lets through a call with plain arguments sent as text/plain, and a form posted without JavaScript", () => {
    expect(check('["a", 1, null]', true, "text/plain;charset=UTF-8")).toBeNull();
    expect(
      check(
        multipart([
          { name: "$ACTION_ID_7f00", value: "" },
          { name: "email", value: "a@b.c" },
        ]),
        false,
      ),
    ).toBeNull();
  });

  it.each([
    ["a NUL in a file name", multipart([{ name: "0", value: '["$K1"]', extraHeader: '; filename="a\u0000.txt"' }])],
    ["a control character in a header", multipart([{ name: "0\u0007", value: '["$K1"]' }])],
    ["a header line without a colon", `--${BOUNDARY}\r\nContent-Disposition form-data\r\n\r\nx\r\n--${BOUNDARY}--\r\n`],
    ["a body without the boundary", "just text"],
    ["a part without its blank line", `--${BOUNDARY}\r\nContent-Disposition: form-data; name="0"`],
  ])("refuses %s: busboy's 'Malformed part header'", (_case, body) => {
    expect(check(body)).toBe("malformed part header");
    expect(check(body, false)).toBe("malformed part header");
  });

  it.each([
    ["no argument list at all", multipart([{ name: "1_code", value: "1" }])],
    ["null instead of a list", multipart([{ name: "0", value: "null" }])],
    ["an object instead of a list", multipart([{ name: "0", value: '{"length":1}' }])],
    ["JSON that does not parse", multipart([{ name: "0", value: '["$K1"' }])],
    ["a promise reference", multipart([{ name: "0", value: '["$@1"]' }])],
    ["a server reference", multipart([{ name: "0", value: '["$h0"]' }])],
    ["a Blob reference", multipart([{ name: "0", value: '[{"file":"$B1"}]' }])],
    ["a forward reference to a part", multipart([{ name: "0", value: '["$1"]' }])],
    ["a temporary reference as an argument", multipart([{ name: "0", value: '["$T"]' }])],
    ["a stream reference deep inside", multipart([{ name: "0", value: '[{"a":[{"b":"$R2"}]}]' }])],
  ])("refuses %s: React's decoder or Next's action.apply would throw", (_case, body) => {
    expect(check(body)).toBe("malformed argument list");
  });

  it("refuses a text/plain call whose body is not an argument list", () => {
    expect(check("", true, "text/plain")).toBe("malformed argument list");
    expect(check('"$@0"', true, "text/plain")).toBe("malformed argument list");
  });

  it("reads the argument list as UTF-8, as React does", () => {
    expect(isWellFormedArgumentList('["zoë ✓", "$$€"]')).toBe(true);
  });
});
