import { describe, expect, it } from "vitest";
import { eqFilter } from "#adapters/abm-scim/filter.js";
import { parseFilter } from "#emulators/abm/filter.js";

describe("eqFilter", () => {
  const hostile = [
    'a"b@x.com',
    "a\\b@x.com",
    'x" or userName pr "',
    '\\" or "1" eq "1',
    "tab\there@x.com",
    "ünï@x.com",
  ];

  it.each(hostile)("keeps %j a single equality comparison when parsed by an RFC 7644 parser", (value) => {
    expect(parseFilter(eqFilter("userName", value))).toEqual({ kind: "compare", path: "userName", op: "eq", value });
  });

  it("escapes quotes and backslashes", () => {
    expect(eqFilter("externalId", 'a"b\\c')).toBe('externalId eq "a\\"b\\\\c"');
  });
});
