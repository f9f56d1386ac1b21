// Reads the TLC-format fixtures with chDB (in process, no server).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { TripEvent } from '../../contracts/index.ts';
import { openTripFile, TripFileError } from './trip-file-reader.ts';
import type { TlcRowResult } from './trip/tlc-record.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./trip/fixtures/${name}`, import.meta.url));
const ZONES = fixture('taxi_zone_centroids_sample.csv');

async function readAll(path: string, opts: Parameters<typeof openTripFile>[1] = {}): Promise<TlcRowResult[]> {
  const file = openTripFile(path, opts);
  try {
    const out: TlcRowResult[] = [];
    for await (const r of file.rows()) out.push(r);
    return out;
  } finally {
    file.close();
  }
}

const trips = (rs: TlcRowResult[]) => rs.flatMap((r) => (r.kind === 'trip' ? [r.trip] : []));

test('2015 CSV and Parquet give the same records, in dropoff order, the undatable row last', async () => {
  const csv = await readAll(fixture('yellow_tripdata_2015-03_sample.csv'));
  const parquet = await readAll(fixture('yellow_tripdata_2015-03_sample.parquet'));
  assert.deepEqual(parquet, csv);
  const ts = trips(csv);
  assert.equal(ts.length, 9);
  assert.deepEqual(csv.at(-1), { kind: 'unconvertible', row: 5, reason: 'no parseable dropoff time' });
  for (let i = 1; i < ts.length; i++) assert.ok(ts[i - 1]!.dropoff_ts <= ts[i]!.dropoff_ts, `${ts[i]!.id} out of order`);
  // Row 9 ends at 02:40 in the skipped hour (read as EST = 07:40Z), after row 1's 03:10 EDT
  // (07:10Z): sorted by UTC, not by wall clock.
  assert.deepEqual(ts.map((t) => t.id.split('-').pop()), ['2', '4', '3', '1', '9', '7', '6', '8', '10']);
  const rejected = ts.filter((t) => !TripEvent.safeParse(t).success).map((t) => t.id.split('-').pop());
  assert.deepEqual(rejected, ['4', '7', '8']); // 0/0 coordinates, negative amounts, no pickup time
});

test('2009 CSV: old names, text codes, a blank line, a DDS trip the contract rejects', async () => {
  const rs = await readAll(fixture('yellow_tripdata_2009-01_sample.csv'));
  assert.equal(rs.filter((r) => r.kind === 'blank').length, 1);
  const ts = trips(rs);
  assert.equal(ts.length, 4);
  const cmt = ts.find((t) => t.vendor === 1)!;
  assert.equal(cmt.pickup_ts, Date.parse('2009-01-03T20:40:10Z'));
  assert.equal(cmt.payment_type, 1);
  assert.equal(cmt.extra, 0);
  assert.equal(cmt.mta_tax, 0);
  assert.equal(cmt.rate_code, 99);
  assert.equal(cmt.total_amount, 27.8);
  assert.deepEqual(ts.filter((t) => !TripEvent.safeParse(t).success).map((t) => t.vendor), [null]);
});

test('2024 zone ids with --zones: centroids, the November switch, CSV = Parquet', async () => {
  const parquet = await readAll(fixture('yellow_tripdata_2024-11_sample.parquet'), { zonesFile: ZONES });
  assert.deepEqual(await readAll(fixture('yellow_tripdata_2024-11_sample.csv'), { zonesFile: ZONES }), parquet);
  const ts = trips(parquet);
  assert.equal(ts.length, 6);
  const jfk = ts.find((t) => t.id.endsWith('-1'))!;
  assert.deepEqual([jfk.pickup_lat, jfk.pickup_lng, jfk.rate_code, jfk.airport_fee, jfk.congestion_surcharge], [40.6413, -73.7781, 2, 1.75, 2.5]);
  const ambiguous = ts.find((t) => t.id.endsWith('-3'))!;
  assert.equal(ambiguous.pickup_ts, Date.parse('2024-11-03T05:20:00Z'));
  const flex = ts.find((t) => t.id.endsWith('-6'))!;
  assert.deepEqual([flex.payment_type, flex.passenger_count, flex.rate_code, flex.congestion_surcharge], [0, 0, 99, 0]);
  assert.ok(TripEvent.safeParse(flex).success);
  assert.deepEqual(ts.filter((t) => !TripEvent.safeParse(t).success).map((t) => t.id.split('-').pop()), ['5']); // zone 264
});

test('--limit keeps the first trips in dropoff order', async () => {
  const ts = trips(await readAll(fixture('yellow_tripdata_2015-03_sample.parquet'), { limit: 3 }));
  assert.deepEqual(ts.map((t) => t.id.split('-').pop()), ['2', '4', '3']);
});

test('clear errors: zone ids without --zones, a missing file, an unsupported or unreadable file', () => {
  assert.throws(
    () => openTripFile(fixture('yellow_tripdata_2024-11_sample.parquet')),
    (e: unknown) => e instanceof TripFileError && /PULocationID/.test(e.message) && /--zones FILE/.test(e.message) && /LocationID,lat,lng/.test(e.message),
  );
  assert.throws(() => openTripFile(fixture('nope.parquet')), /does not exist/);
  assert.throws(() => openTripFile(fixture('make-parquet-fixtures.ts')), /\.parquet or \.csv/);
  assert.throws(() => openTripFile(fixture('taxi_zone_centroids_sample.csv')), (e: unknown) => e instanceof TripFileError && /not a TLC yellow-taxi trip file/.test(e.message));
  assert.throws(() => openTripFile(fixture('yellow_tripdata_2024-11_sample.csv'), { zonesFile: fixture('nope.csv') }), /--zones .*does not exist/);
});
