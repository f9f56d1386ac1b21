import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Session } from 'chdb';
import { TradeDeclaration } from '../../../contracts/index.ts';
import { openTradeFile, TradeFileError, type TradeFileRow } from './trade-file-reader.ts';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'trade-extract-sample.csv');

async function read(path: string): Promise<TradeFileRow[]> {
  const f = openTradeFile(path);
  try {
    const out: TradeFileRow[] = [];
    for await (const r of f.rows()) out.push(r);
    return out;
  } finally {
    f.close();
  }
}

function checkFixtureRows(rows: TradeFileRow[]): void {
  // Event-time order, whatever the file order and the time notation; the unreadable time last.
  assert.deepEqual(
    rows.map((r) => (r.kind === 'declaration' ? r.declaration.id : `row ${r.row}`)),
    ['6002026000101', '6002026000102', '6002026000103', '6002026000104', '6002026000105', '6002026000107', 'row 6'],
  );
  const ds = rows.flatMap((r) => (r.kind === 'declaration' ? [r.declaration] : []));
  assert.equal(ds[0]!.ts, Date.UTC(2026, 2, 2, 9, 15));
  assert.equal(ds[1]!.ts, 1772447400000);
  assert.equal(ds[0]!.hs_code, '0901119000', 'leading zeros kept');
  assert.equal(ds[1]!.quantity, 19_500);
  assert.equal(ds[3]!.controlled, true);
  assert.equal(ds[3]!.licence, 'LIC-830555111-291411');
  assert.equal(ds[3]!.quota_kg, 600_000);
  assert.equal(ds[0]!.licence, undefined);
  // What the contract says of each: four valid, a malformed HS code, an unknown unit.
  const verdicts = ds.map((d) => {
    const r = TradeDeclaration.safeParse(d);
    return r.success ? 'ok' : r.error.issues[0]!.message.split(':')[0];
  });
  assert.deepEqual(verdicts, ['ok', 'ok', 'ok', 'ok', 'malformed HS code', 'unknown unit "BOXES"']);
  const bad = rows.find((r) => r.kind === 'unconvertible')!;
  assert.match((bad as { reason: string }).reason, /^ts .* is neither epoch ms nor a date-time/);
}

test('a CSV customs extract in the documented layout: declarations in event-time order', async () => {
  checkFixtureRows(await read(FIXTURE));
});

test('the same extract as Parquet with native column types (numbers, a DateTime, a UInt8 flag) reads the same', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'trade-file-'));
  try {
    const out = join(dir, 'extract.parquet');
    const s = new Session();
    try {
      s.query(`INSERT INTO FUNCTION file('${out}', 'Parquet')
        SELECT declaration_id, if(match(ts, '^[0-9]+$'), fromUnixTimestamp64Milli(toInt64OrZero(ts), 'UTC'), parseDateTime64BestEffortOrNull(ts, 3, 'UTC')) AS ts, toUInt64(exporter_id) AS exporter_id, exporter_name, hs_code, port, destination, transport_mode,
               toFloat64(fob_usd) AS fob_usd, toFloat64(net_kg) AS net_kg, toFloat64(gross_kg) AS gross_kg, toFloat64(quantity) AS quantity, unit,
               toUInt8(controlled) AS controlled, licence, toFloat64OrNull(quota_kg) AS quota_kg
        FROM file('${FIXTURE}', 'CSVWithNames') SETTINGS input_format_csv_use_best_effort_in_schema_inference = 0`);
    } finally {
      s.close();
    }
    checkFixtureRows(await read(out));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a file without the required columns is refused, naming them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trade-file-'));
  try {
    const p = join(dir, 'x.csv');
    writeFileSync(p, 'declaration_id,ts,exporter_id\n1,2026-01-01T00:00:00Z,9\n');
    assert.throws(() => openTradeFile(p), (e: unknown) => e instanceof TradeFileError && /lacks the column\(s\) hs_code, port, destination/.test(e.message));
    assert.throws(() => openTradeFile(join(dir, 'x.xlsx')), TradeFileError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
