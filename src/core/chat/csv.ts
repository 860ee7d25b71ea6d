function csvCell(value: string): string {
  // formula injection guard for spreadsheet apps, then RFC 4180 quoting
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A header row and the rows as RFC 4180 CSV (CRLF), cells guarded against spreadsheet formulas. */
export function csvTable(columns: readonly string[], rows: readonly (readonly string[])[]): string {
  return `${[columns.join(","), ...rows.map((row) => row.map(csvCell).join(","))].join("\r\n")}\r\n`;
}
