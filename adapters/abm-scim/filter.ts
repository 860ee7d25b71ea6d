/**
 * An RFC 7644 §3.4.2.2 equality filter. The value is written as a JSON string, so `"` and `\`
 * (and control characters) are escaped and a hostile userName cannot change the filter's meaning.
 */
export function eqFilter(attribute: "userName" | "externalId", value: string): string {
  return `${attribute} eq ${JSON.stringify(value)}`;
}
