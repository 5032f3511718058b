/** A malformed line in a trace file: says which file and line, and what is wrong. */
export class TraceFormatError extends Error {
  constructor(
    readonly source: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${source}:${line}: ${reason}`);
  }
}

/** One data row of a CSV file, its cells looked up by column name. */
export interface CsvRow {
  readonly line: number;
  readonly cell: (column: string) => string;
}

/**
 * Splits a simple CSV text (comma-separated, no quoted commas, as the traces are) into rows.
 * Blank lines are skipped; a row with the wrong number of cells is an error naming its line.
 */
export function parseCsvTable(text: string, source: string, required: readonly string[]): CsvRow[] {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((name) => name.trim());
  const columns = new Map(header.map((name, i) => [name, i]));
  const missing = required.filter((name) => !columns.has(name));
  if (missing.length > 0)
    throw new TraceFormatError(source, 1, `missing column(s) ${missing.join(', ')} in the header`);
  const rows: CsvRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    const text = lines[i]!;
    if (text.trim() === '') continue;
    const cells = text.split(',');
    const line = i + 1;
    if (cells.length !== header.length)
      throw new TraceFormatError(source, line, `expected ${header.length} fields, found ${cells.length}`);
    rows.push({
      line,
      cell: (column) => {
        const index = columns.get(column);
        return index === undefined ? '' : (cells[index] ?? '').trim();
      },
    });
  }
  return rows;
}

/** Reads a non-negative integer cell, or throws naming the file, line and column. */
export function readCount(row: CsvRow, column: string, source: string): number {
  const text = row.cell(column);
  if (!/^\d+$/.test(text))
    throw new TraceFormatError(
      source,
      row.line,
      `${column}: expected a non-negative integer, found "${text}"`,
    );
  return Number(text);
}
