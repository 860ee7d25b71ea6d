/** CSV as ABM's downloads are: a header row, CRLF line ends, RFC 4180 quoting. */
function csvCell(value: string): string {
  // formula injection guard for spreadsheet apps, then RFC 4180 quoting
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(columns: readonly string[], rows: readonly (readonly string[])[]): string {
  const lines = rows.map((row) => row.map(csvCell).join(","));
  return `${[columns.join(","), ...lines].join("\r\n")}\r\n`;
}
