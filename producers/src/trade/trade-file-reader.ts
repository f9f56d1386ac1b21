// Reads a customs extract (CSV with a header, or Parquet) with chDB's file() table function and
// yields its declarations in event-time order: chDB parses and sorts, so no Parquet reader is
// written or added. Every column is read as text and converted here, so an HS code keeps its
// leading zeros whatever a CSV's type inference would have made of it.
//
// Column layout (names as in the header; order free; README "Trade declarations from a file"):
//   required  declaration_id, ts, exporter_id, hs_code, port, destination, transport_mode,
//             fob_usd, net_kg, gross_kg, quantity, unit
//   optional  exporter_name (default: exporter_id), controlled (1/0, true/false; default 0),
//             licence, quota_kg (for controlled substances)
// `ts` is epoch milliseconds or an ISO-like date-time (UTC unless it names a zone).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Session } from 'chdb';
import type { TradeDeclaration } from '../../../contracts/index.ts';

export class TradeFileError extends Error {
  override name = 'TradeFileError';
}

export const TRADE_FILE_REQUIRED = ['declaration_id', 'ts', 'exporter_id', 'hs_code', 'port', 'destination', 'transport_mode', 'fob_usd', 'net_kg', 'gross_kg', 'quantity', 'unit'] as const;
export const TRADE_FILE_OPTIONAL = ['exporter_name', 'controlled', 'licence', 'quota_kg'] as const;

export type TradeFileRow = { kind: 'declaration'; row: number; declaration: TradeDeclaration } | { kind: 'unconvertible'; row: number; reason: string };

export interface TradeFile {
  path: string;
  format: 'Parquet' | 'CSVWithNames';
  /** Rows in event-time order (rows without a readable time last). One pass. */
  rows(): AsyncGenerator<TradeFileRow>;
  close(): void;
}

const SETTINGS = "input_format_csv_use_best_effort_in_schema_inference = 0, input_format_try_infer_datetimes = 0, input_format_parallel_parsing = 0, session_timezone = 'UTC'";

export function tradeFileFormat(path: string): TradeFile['format'] | undefined {
  const p = path.toLowerCase();
  if (p.endsWith('.parquet')) return 'Parquet';
  if (/\.csv(\.(gz|zst|xz|bz2))?$/.test(p)) return 'CSVWithNames';
  return undefined;
}

const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export function openTradeFile(path: string, opts: { limit?: number | undefined } = {}): TradeFile {
  const abs = resolve(path);
  if (!existsSync(abs)) throw new TradeFileError(`--file ${path} does not exist`);
  const format = tradeFileFormat(abs);
  if (!format) throw new TradeFileError(`--file ${path}: expected a .csv (with a header) or .parquet customs extract`);
  const source = `file(${quote(abs)}, '${format}')`;
  const session = new Session();
  try {
    let columns: string[];
    try {
      columns = session
        .query(`DESCRIBE ${source} SETTINGS ${SETTINGS}`, 'JSONEachRow')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => (JSON.parse(l) as { name: string }).name);
    } catch (err) {
      throw new TradeFileError(`--file ${path} cannot be read as ${format}: ${(err as Error).message.split('\n')[0]!.slice(0, 300)}`);
    }
    const missing = TRADE_FILE_REQUIRED.filter((c) => !columns.includes(c));
    if (missing.length) throw new TradeFileError(`--file ${path} lacks the column(s) ${missing.join(', ')}; a trade extract needs ${TRADE_FILE_REQUIRED.join(', ')} (optional: ${TRADE_FILE_OPTIONAL.join(', ')})`);
    const present = [...TRADE_FILE_REQUIRED, ...TRADE_FILE_OPTIONAL.filter((c) => columns.includes(c))];
    // Text of every field (a NULL becomes ''), the file row number for messages, the event time in ms.
    const fields = present.map((c) => `ifNull(toString(\`${c}\`), '') AS \`${c}\``).join(', ');
    const tsMs = `if(match(toString(ts), '^[0-9]+$'), toInt64OrNull(toString(ts)), toUnixTimestamp64Milli(parseDateTime64BestEffortOrNull(toString(ts), 3, 'UTC')))`;
    const sql = `SELECT ${fields}, rowNumberInAllBlocks() + 1 AS _row, ${tsMs} AS _ts FROM ${source} ORDER BY _ts ASC NULLS LAST, _row${opts.limit !== undefined ? ` LIMIT ${Math.floor(opts.limit)}` : ''} SETTINGS ${SETTINGS}`;
    return {
      path,
      format,
      async *rows() {
        for await (const r of session.queryStream(sql, { format: 'JSONEachRow' }).rows<Record<string, string | number | null>>()) yield toDeclaration(r);
      },
      close: () => session.close(),
    };
  } catch (err) {
    session.close();
    throw err;
  }
}

/** One row of the extract → a declaration (still to be judged by the contract), or why it cannot be one. */
export function toDeclaration(r: Record<string, string | number | null>): TradeFileRow {
  const row = Number(r._row);
  if (r._ts === null || r._ts === undefined) return { kind: 'unconvertible', row, reason: `ts ${JSON.stringify(r.ts)} is neither epoch ms nor a date-time` };
  const text = (k: string) => String(r[k] ?? '').trim();
  const num = (k: string) => (text(k) === '' ? NaN : Number(text(k)));
  const controlled = ['1', 'true', 'yes', 'y', 's', 'si', 'sí'].includes(text('controlled').toLowerCase());
  const d: Record<string, unknown> = {
    id: text('declaration_id'),
    ts: Number(r._ts),
    exporter_id: text('exporter_id'),
    exporter_name: text('exporter_name') || text('exporter_id'),
    hs_code: text('hs_code').replace(/[.\s]/g, ''),
    port: text('port').toUpperCase(),
    destination: text('destination').toUpperCase(),
    transport_mode: text('transport_mode').toLowerCase(),
    fob_usd: num('fob_usd'),
    net_kg: num('net_kg'),
    gross_kg: num('gross_kg'),
    quantity: num('quantity'),
    unit: text('unit').toUpperCase(),
    controlled,
  };
  if (text('licence') !== '') d.licence = text('licence');
  if (text('quota_kg') !== '') d.quota_kg = num('quota_kg');
  // NaN is not JSON: a missing number goes out as null and the contract names the field.
  for (const k of ['fob_usd', 'net_kg', 'gross_kg', 'quantity', 'quota_kg']) if (Number.isNaN(d[k])) d[k] = null;
  return { kind: 'declaration', row, declaration: d as TradeDeclaration };
}
