/** An OData string literal: wrapped in single quotes, single quotes inside doubled (`O'Brien` → `'O''Brien'`). */
export function odataString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** `prop eq 'value'`, percent-encoded for a query string (UPNs of guests contain `#`). */
export function equalityFilter(property: string, value: string): string {
  return encodeURIComponent(`${property} eq ${odataString(value)}`);
}
