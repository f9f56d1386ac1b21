// Minimal reader for the benchmark CSVs: one record per line, no quoting.
import { ScoringInputError } from './scoring-error.ts';

export interface DelimitedTable {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/**
 * Splits `text` on `delimiter`; accepts LF or CRLF, a UTF-8 BOM, a trailing newline and blank
 * lines. Every row must have as many fields as the header (`source` names the file in errors).
 */
export function parseDelimited(text: string, delimiter: string, source: string): DelimitedTable {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let header: string[] | null = null;
  const rows: string[][] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const fields = line.split(delimiter).map((f) => f.trim());
    if (header === null) {
      header = fields;
      return;
    }
    if (fields.length !== header.length) {
      throw new ScoringInputError(source, `line ${i + 1} has ${fields.length} fields, the header ${header.length}`);
    }
    rows.push(fields);
  });
  if (header === null) throw new ScoringInputError(source, 'file is empty, expected a header line');
  return { header, rows };
}

/** Index of the named column; throws naming the columns that are there. */
export function columnIndex(table: DelimitedTable, name: string, source: string): number {
  const i = table.header.indexOf(name);
  if (i < 0) throw new ScoringInputError(source, `no "${name}" column (columns: ${table.header.join(', ')})`);
  return i;
}

/** The named column as numbers; throws on the first cell that is not a number. */
export function numberColumn(table: DelimitedTable, name: string, source: string): number[] {
  const c = columnIndex(table, name, source);
  return table.rows.map((row, i) => {
    const cell = row[c]!;
    const v = Number(cell);
    if (cell === '' || Number.isNaN(v)) {
      throw new ScoringInputError(source, `row ${i + 1}: ${name} "${cell}" is not a number`);
    }
    return v;
  });
}

/** The named column as strings. */
export function stringColumn(table: DelimitedTable, name: string, source: string): string[] {
  const c = columnIndex(table, name, source);
  return table.rows.map((row) => row[c]!);
}
