import { describe, expect, it } from "vitest";
import { parseCursorPaging, parsePagination } from "@/lib/api/pagination";

const parse = (query: string) => parsePagination(new URLSearchParams(query));

describe("parsePagination", () => {
  it("defaults to page 1 of 50 and accepts whole numbers in range", () => {
    expect(parse("")).toEqual({ ok: true, value: { page: 1, perPage: 50 } });
    expect(parse("page=3&per_page=100")).toEqual({ ok: true, value: { page: 3, perPage: 100 } });
    expect(parse("per_page=1&other=x")).toEqual({ ok: true, value: { page: 1, perPage: 1 } });
  });

  it.each([
    ["page=0", "page"],
    ["page=-1", "page"],
    ["page=abc", "page"],
    ["page=1.5", "page"],
    ["page=1e3", "page"],
    ["page=", "page"],
    ["page=99999999999999999999", "page"],
    ["per_page=0", "per_page"],
    ["per_page=101", "per_page"],
    ["per_page=ten", "per_page"],
  ])("refuses %s, naming %s", (query, parameter) => {
    expect(parse(query)).toMatchObject({ ok: false, parameter, message: expect.stringContaining(parameter) });
  });
});

describe("parseCursorPaging", () => {
  const cursorPaging = (query: string) => parseCursorPaging(new URLSearchParams(query));

  it("defaults to 50 without a cursor and accepts 1 to 200", () => {
    expect(cursorPaging("")).toEqual({ ok: true, value: { limit: 50, cursor: undefined } });
    expect(cursorPaging("limit=1&cursor=abc")).toEqual({ ok: true, value: { limit: 1, cursor: "abc" } });
    expect(cursorPaging("limit=200")).toEqual({ ok: true, value: { limit: 200, cursor: undefined } });
  });

  it.each([
    ["limit=0", "limit"],
    ["limit=201", "limit"],
    ["limit=1000", "limit"],
    ["limit=-1", "limit"],
    ["limit=2.5", "limit"],
    ["limit=", "limit"],
    ["cursor=", "cursor"],
  ])("refuses %s, naming %s", (query, parameter) => {
    expect(cursorPaging(query)).toMatchObject({ ok: false, parameter, message: expect.stringContaining(parameter) });
  });
});
