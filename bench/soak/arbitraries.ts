import fc from "fast-check";

/*
 * What an attacker types: fast-check arbitraries for field values, JSON where
 * a form was expected, cookies, headers and paths. Every generator here is
 * sampled with the run's seed, so a run is reproducible from its seed alone.
 */

/** Characters that break naive code: NUL, lone surrogates, bidi overrides, zero-width, line separators, BOM. */
const ODD_PIECES = [
  "\u0000",
  "\uD800",
  "\uDBFF",
  "\uDC00",
  "\uDFFF",
  "a\uD83D",
  "\u202E",
  "\u202D",
  "\u2066",
  "\u200B",
  "\u200D",
  "\u2060",
  "\uFEFF",
  "\u2028",
  "\u2029",
  "\u0085",
  "\u00A0",
  "\u0301\u0301\u0301\u0301",
  "👩‍👩‍👧‍👦",
  "ﷺ",
  "Ǆ",
  "İ",
  "ß",
  "\u{10FFFF}",
  "\uFFFF",
  "\r\n",
  "\t",
  "\u001B[31m",
];

/** Strings that mean something to a parser, a database, a template or JavaScript itself. */
const LOADED_STRINGS = [
  "",
  " ",
  "0",
  "-1",
  "1e309",
  "NaN",
  "Infinity",
  "0x10",
  "9007199254740993",
  "1.5",
  "true",
  "null",
  "undefined",
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "'; drop table users; --",
  '" or 1=1 --',
  "<script>alert(1)</script>",
  "{{7*7}}",
  "${7*7}",
  "../../../../etc/passwd",
  "%00",
  "%",
  "%zz",
  "%E0%A4%A",
  "%ED%A0%80",
  "javascript:alert(1)",
  "//evil.example/",
  "/\\evil.example",
  "https://evil.example/",
  "$K1",
  "$@0",
  "$Q0",
  "$h",
  "$T",
  "$undefined",
  "$n123",
  "\\u0000",
  "on",
  "off",
  "yes",
  "no",
  "totp",
  "code",
  "email",
  "sms",
  "required",
  "optional",
  "users:manage",
  "settings:manage",
  "a@b",
  "@",
  "a@b.c\u0000@evil.example",
  "ADMIN@SOAK.TEST",
  " admin@soak.test ",
  "+447700900123",
  "+0",
  "000000",
  "123456",
  "12345678901234567890",
];

const oddPiece = fc.constantFrom(...ODD_PIECES);
const loaded = fc.constantFrom(...LOADED_STRINGS);

/** Long strings: up to 64,000 UTF-16 units (far over any field's limit), made of repeated odd or ordinary pieces. */
const longString = fc
  .tuple(
    fc.oneof(fc.constantFrom("A", "é", "𝔸", "\u0000", "\u200B", "%", "\uD800"), oddPiece),
    fc.integer({ min: 256, max: 64_000 }),
  )
  .map(([piece, length]) => piece.repeat(Math.ceil(length / piece.length)));

/** A hostile string value: any code point (lone surrogates included), loaded words, odd pieces, mixes, very long. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: "binary", maxLength: 80 }) },
  { weight: 3, arbitrary: loaded },
  {
    weight: 3,
    arbitrary: fc
      .array(fc.oneof(oddPiece, loaded, fc.string({ maxLength: 8 })), { minLength: 1, maxLength: 12 })
      .map((parts) => parts.join("")),
  },
  { weight: 1, arbitrary: longString },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", minLength: 200, maxLength: 2_000 }) },
);

/** JSON where the action expected a FormData or a string: numbers, arrays, objects, nesting. */
export const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.constantFrom(
    null,
    0,
    -1,
    1e308,
    true,
    [],
    {},
    [[[[[]]]]],
    { __proto__: { admin: true } },
    { constructor: { prototype: {} } },
    "$K1",
    "$@0",
    "$Q1",
    "$T",
    "$h0",
  ),
  fc.dictionary(fc.oneof(loaded, fc.string({ maxLength: 10 })), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }),
);

/** How one form field is sent: a plausible value, a hostile one, missing, repeated, or as a file part. */
export type FieldPlan =
  | { kind: "plausible" }
  | { kind: "hostile"; value: string }
  | { kind: "missing" }
  | { kind: "repeated"; values: string[] }
  | { kind: "file"; filename: string; content: string };

export const fieldPlan: fc.Arbitrary<FieldPlan> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: "plausible" as const }) },
  { weight: 5, arbitrary: hostileString.map((value) => ({ kind: "hostile" as const, value })) },
  { weight: 1, arbitrary: fc.constant({ kind: "missing" as const }) },
  {
    weight: 1,
    arbitrary: fc
      .array(hostileString, { minLength: 2, maxLength: 4 })
      .map((values) => ({ kind: "repeated" as const, values })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(hostileString, fc.string({ unit: "binary", maxLength: 200 }))
      .map(([filename, content]) => ({ kind: "file" as const, filename, content })),
  },
);

/** Cookies: made-up sessions, repeats, broken syntax, odd bytes, oversized. */
export const hostileCookie: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "",
    ";",
    "=",
    ";;;=;=",
    "a",
    "=value",
    "twofold_session",
    "twofold_session=",
    "twofold_session=%",
    "twofold_session=%zz",
    'twofold_session="x"',
  ),
  hostileString.map((value) => `twofold_session=${value}`),
  fc
    .array(fc.tuple(fc.string({ maxLength: 20 }), fc.string({ unit: "binary-ascii", maxLength: 40 })), {
      maxLength: 40,
    })
    .map((pairs) => pairs.map(([name, value]) => `${name}=${value}`).join("; ")),
  fc.integer({ min: 4_000, max: 70_000 }).map((length) => `twofold_session=${"A".repeat(length)}`),
  fc
    .integer({ min: 50, max: 400 })
    .map((count) => Array.from({ length: count }, (_, index) => `c${index}=${"x".repeat(50)}`).join("; ")),
);

/** Extra headers: forwarded addresses, odd content types, huge values, duplicates of what Next reads. */
export const hostileHeaders: fc.Arbitrary<Array<[string, string]>> = fc.array(
  fc.oneof(
    fc.tuple(
      fc.constantFrom("x-forwarded-for", "x-real-ip", "forwarded"),
      fc.oneof(
        hostileString,
        fc.constantFrom("1.2.3.4, 5.6.7.8", "::1", "999.999.999.999", "unknown", ",,,", 'for="[::1]:80"'),
      ),
    ),
    fc.tuple(
      fc.constantFrom(
        "x-forwarded-host",
        "x-forwarded-proto",
        "x-forwarded-port",
        "host-override",
        "x-middleware-subrequest",
        "next-router-state-tree",
        "rsc",
        "next-router-prefetch",
        "x-invoke-path",
        "x-nextjs-data",
        "next-url",
        "accept-language",
        "user-agent",
        "referer",
      ),
      hostileString,
    ),
    fc.tuple(
      fc.constantFrom("accept", "accept-encoding", "content-encoding", "transfer-encoding-x"),
      fc.constantFrom("text/x-component", "*/*", "gzip", "br, deflate, zstd", "identity;q=0", "\u00ff\u00fe"),
    ),
    fc.tuple(
      fc.constantFrom("x-huge", "user-agent"),
      fc.integer({ min: 1_000, max: 30_000 }).map((length) => "U".repeat(length)),
    ),
  ),
  { maxLength: 4 },
);

/** A path tail that breaks decoders: lone percent signs, invalid UTF-8, encoded NUL and slashes, dot segments, huge. */
export const hostilePathTail: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "",
    "/",
    "%",
    "%zz",
    "%E0%A4%A",
    "%C0%AF",
    "%ED%A0%80",
    "%00",
    "%2F%2e%2e%2F",
    "/..%2F..%2F",
    "/./././",
    "//",
    "/%",
    "/%%",
    "/%u0041",
    "?%",
    "?a=%zz&a=1&a[]=2",
    "?next=%2F%2Fevil.example",
    "#frag",
    ";jsessionid=x",
    "/\u00e9",
    "?page=-1&per_page=1e9",
    "?page=NaN&per_page=0x10",
    "?q=%00&sort=__proto__&direction=constructor",
  ),
  fc
    .string({ unit: "binary-ascii", maxLength: 40 })
    .map((text) => `/${text.replace(/[\s#?]/g, (char) => encodeURIComponent(char))}`),
  fc.integer({ min: 2_000, max: 9_000 }).map((length) => `/${"a".repeat(length)}`),
  hostileString.map(
    (text) =>
      `?q=${[...text].map((char) => (/[A-Za-z0-9]/.test(char) ? char : `%${char.charCodeAt(0).toString(16).padStart(2, "0").slice(-2)}`)).join("")}`,
  ),
);

/** Odd HTTP methods for route handlers. */
export const hostileMethod = fc.constantFrom(
  "GET",
  "POST",
  "PUT",
  "PATCH",
  "DELETE",
  "HEAD",
  "OPTIONS",
  "GET",
  "POST",
  "TRACE",
  "FOO",
  "PROPFIND",
);

/** Bodies for route handlers: hostile JSON, form encodings, garbage bytes, oversized. */
export const hostileRouteBody: fc.Arbitrary<{ contentType: string; body: Buffer } | null> = fc.oneof(
  fc.constant(null),
  hostileJson.map((value) => ({ contentType: "application/json", body: Buffer.from(JSON.stringify(value) ?? "null") })),
  fc
    .string({ unit: "binary", maxLength: 300 })
    .map((text) => ({ contentType: "application/json", body: Buffer.from(text) })),
  hostileString.map((text) => ({
    contentType: "application/x-www-form-urlencoded",
    body: Buffer.from(`state=${text}&duo_code=${text}&code=%zz&code=1`),
  })),
  fc
    .tuple(
      fc.uint8Array({ maxLength: 2_000 }),
      fc.constantFrom(
        "multipart/form-data; boundary=x",
        "multipart/form-data",
        "text/plain",
        "application/octet-stream",
      ),
    )
    .map(([bytes, contentType]) => ({ contentType, body: Buffer.from(bytes) })),
  fc
    .integer({ min: 1_000_000, max: 6_000_000 })
    .map((length) => ({ contentType: "application/json", body: Buffer.from(`{"a":"${"A".repeat(length)}"}`) })),
);

/** Deterministic samples of an arbitrary: the same seed, the same values. */
export function sampleOf<T>(arbitrary: fc.Arbitrary<T>, seed: number, count: number): T[] {
  return fc.sample(arbitrary, { seed, numRuns: count });
}

export { fc };
