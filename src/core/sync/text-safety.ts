/**
 * Characters no mapped value may carry: control characters (C0 U+0000–U+001F, DEL U+007F, C1
 * U+0080–U+009F) and badly formed UTF-16 (a surrogate without its pair). Postgres refuses both in
 * text and jsonb (NUL: "unsupported Unicode escape sequence"; a lone surrogate: "invalid input
 * syntax for type json"), and ABM has no use for them. A single scan, no regular expression.
 */
export interface UnsafeCharacter {
  /** UTF-16 index of the first unsafe character */
  readonly index: number;
  readonly codePoint: number;
  readonly kind: "control" | "lone_surrogate";
}

function isControl(code: number): boolean {
  return code <= 0x1f || (code >= 0x7f && code <= 0x9f);
}

const isHigh = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLow = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/** The first unsafe character of `value`, or null when it has none. */
export function findUnsafeCharacter(value: string): UnsafeCharacter | null {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (isControl(code)) return { index: i, codePoint: code, kind: "control" };
    if (isHigh(code)) {
      if (i + 1 < value.length && isLow(value.charCodeAt(i + 1))) i += 1;
      else return { index: i, codePoint: code, kind: "lone_surrogate" };
    } else if (isLow(code)) return { index: i, codePoint: code, kind: "lone_surrogate" };
  }
  return null;
}

/** "U+0000" */
export function codePointLabel(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * `value` with every unsafe character replaced by "[U+XXXX]", so it can be quoted in a message,
 * logged and stored (the same string when it has none).
 */
export function printable(value: string): string {
  if (findUnsafeCharacter(value) === null) return value;
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (isHigh(code) && i + 1 < value.length && isLow(value.charCodeAt(i + 1))) {
      out += value.slice(i, i + 2);
      i += 1;
    } else if (isControl(code) || isHigh(code) || isLow(code)) out += `[${codePointLabel(code)}]`;
    else out += value[i];
  }
  return out;
}

/** At most `max` UTF-16 units of `value`, never cutting a surrogate pair in half (a lone half is unsafe). */
export function truncate(value: string, max: number): string {
  if (value.length <= max) return value;
  const cut = value.slice(0, Math.max(0, max));
  return isHigh(cut.charCodeAt(cut.length - 1)) ? cut.slice(0, -1) : cut;
}
