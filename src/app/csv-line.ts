/**
 * One CSV record (RFC 4180 quoting, CRLF), each text cell a spreadsheet would run as a formula
 * (`= + - @`, tab, carriage return first) neutralised with a leading `'` (OWASP's CSV injection
 * advice); a plain number stays a number. Shared by the invoice CSV and the export's files.
 */
export function csvLine(cells: readonly string[]): string {
  return `${cells.map((cell) => quoteCsv(neutraliseFormula(cell))).join(',')}\r\n`;
}

function neutraliseFormula(cell: string): string {
  if (/^-?\d+(\.\d+)?$/.test(cell)) return cell;
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

function quoteCsv(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
