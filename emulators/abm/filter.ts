import { isObject, type JsonObject, type JsonValue, valuesAt } from "./json.js";
import { invalidFilter } from "./scim-error.js";

/** RFC 7644 §3.4.2.2 filters: comparisons, `pr`, `and`/`or`/`not`, grouping and value paths. */
type CompareOp = "eq" | "ne" | "co" | "sw" | "ew" | "gt" | "ge" | "lt" | "le";
type Literal = string | number | boolean | null;
export type Filter =
  | { readonly kind: "and" | "or"; readonly left: Filter; readonly right: Filter }
  | { readonly kind: "not"; readonly inner: Filter }
  | { readonly kind: "compare"; readonly path: string; readonly op: CompareOp; readonly value: Literal }
  | { readonly kind: "present"; readonly path: string }
  | { readonly kind: "valuePath"; readonly path: string; readonly inner: Filter };

const COMPARE_OPS = new Set<string>(["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"]);
const CASE_EXACT = new Set(["id", "externalid"]);

type Token =
  | { readonly kind: "punct"; readonly text: string }
  | { readonly kind: "string"; readonly text: string }
  | { readonly kind: "word"; readonly text: string };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i] as string;
    if (ch === " " || ch === "\t" || ch === "\n" || ch === "\r") {
      i++;
    } else if (ch === "(" || ch === ")" || ch === "[" || ch === "]") {
      tokens.push({ kind: "punct", text: ch });
      i++;
    } else if (ch === '"') {
      let j = i + 1;
      while (j < input.length && input[j] !== '"') j += input[j] === "\\" ? 2 : 1;
      if (j >= input.length) throw invalidFilter("unterminated string in filter");
      let text: unknown;
      try {
        text = JSON.parse(input.slice(i, j + 1));
      } catch {
        throw invalidFilter("invalid string escape in filter");
      }
      tokens.push({ kind: "string", text: String(text) });
      i = j + 1;
    } else {
      let j = i;
      while (j < input.length && !' \t\r\n()[]"'.includes(input[j] as string)) j++;
      tokens.push({ kind: "word", text: input.slice(i, j) });
      i = j;
    }
  }
  return tokens;
}

export function parseFilter(input: string): Filter {
  const tokens = tokenize(input);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isWord = (t: Token | undefined, w: string): boolean => t?.kind === "word" && t.text.toLowerCase() === w;
  const expectPunct = (p: string): void => {
    const t = tokens[pos++];
    if (t?.kind !== "punct" || t.text !== p) throw invalidFilter(`expected "${p}" in filter`);
  };

  const parseOr = (): Filter => {
    let left = parseAnd();
    while (isWord(peek(), "or")) {
      pos++;
      left = { kind: "or", left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): Filter => {
    let left = parseUnary();
    while (isWord(peek(), "and")) {
      pos++;
      left = { kind: "and", left, right: parseUnary() };
    }
    return left;
  };
  const parseUnary = (): Filter => {
    const t = peek();
    if (isWord(t, "not")) {
      pos++;
      expectPunct("(");
      const inner = parseOr();
      expectPunct(")");
      return { kind: "not", inner };
    }
    if (t?.kind === "punct" && t.text === "(") {
      pos++;
      const inner = parseOr();
      expectPunct(")");
      return inner;
    }
    if (t?.kind !== "word") throw invalidFilter("expected an attribute path in filter");
    pos++;
    const next = peek();
    if (next?.kind === "punct" && next.text === "[") {
      pos++;
      const inner = parseOr();
      expectPunct("]");
      return { kind: "valuePath", path: t.text, inner };
    }
    const op = tokens[pos++];
    if (op?.kind !== "word") throw invalidFilter(`expected an operator after "${t.text}"`);
    const opName = op.text.toLowerCase();
    if (opName === "pr") return { kind: "present", path: t.text };
    if (!COMPARE_OPS.has(opName)) throw invalidFilter(`unsupported filter operator "${op.text}"`);
    return { kind: "compare", path: t.text, op: opName as CompareOp, value: parseLiteral(tokens[pos++]) };
  };

  const result = parseOr();
  if (pos !== tokens.length) throw invalidFilter("unexpected text after the end of the filter");
  return result;
}

function parseLiteral(t: Token | undefined): Literal {
  if (t === undefined) throw invalidFilter("expected a value in filter");
  if (t.kind === "string") return t.text;
  if (t.kind === "word") {
    const lower = t.text.toLowerCase();
    if (lower === "true") return true;
    if (lower === "false") return false;
    if (lower === "null") return null;
    const n = Number(t.text);
    if (t.text !== "" && Number.isFinite(n)) return n;
  }
  throw invalidFilter(`invalid filter value "${t.text}"`);
}

function leafName(path: string): string {
  const parts = path.split(/[.:]/);
  return (parts[parts.length - 1] ?? path).toLowerCase();
}

function compare(actual: JsonValue, op: CompareOp, expected: Literal, caseExact: boolean): boolean {
  if (typeof actual === "string" && typeof expected === "string") {
    const a = caseExact ? actual : actual.toLowerCase();
    const e = caseExact ? expected : expected.toLowerCase();
    switch (op) {
      case "eq":
        return a === e;
      case "ne":
        return a !== e;
      case "co":
        return a.includes(e);
      case "sw":
        return a.startsWith(e);
      case "ew":
        return a.endsWith(e);
      case "gt":
        return a > e;
      case "ge":
        return a >= e;
      case "lt":
        return a < e;
      case "le":
        return a <= e;
    }
  }
  if (op === "eq") return actual === expected;
  if (op === "ne") return actual !== expected;
  if (typeof actual === "number" && typeof expected === "number") {
    if (op === "gt") return actual > expected;
    if (op === "ge") return actual >= expected;
    if (op === "lt") return actual < expected;
    if (op === "le") return actual <= expected;
  }
  return false;
}

export function matches(filter: Filter, resource: JsonObject): boolean {
  switch (filter.kind) {
    case "and":
      return matches(filter.left, resource) && matches(filter.right, resource);
    case "or":
      return matches(filter.left, resource) || matches(filter.right, resource);
    case "not":
      return !matches(filter.inner, resource);
    case "present":
      return valuesAt(resource, filter.path).some((v) => v !== "" && !(Array.isArray(v) && v.length === 0));
    case "valuePath":
      return valuesAt(resource, filter.path).some((v) => isObject(v) && matches(filter.inner, v));
    case "compare": {
      const values = valuesAt(resource, filter.path);
      const exact = CASE_EXACT.has(leafName(filter.path));
      if (filter.op === "ne") return !values.some((v) => compare(v, "eq", filter.value, exact));
      return values.some((v) => compare(v, filter.op, filter.value, exact));
    }
  }
}
