import assert from 'node:assert/strict';
import { test } from 'node:test';
import { partitionOf, TRIP_REGION, type TripEvent } from '../../contracts/index.ts';
import { createTripSimulation } from './trip/index.ts';
import type { TlcRowResult, TlcTripRecord } from './trip/tlc-record.ts';
import { emptyTripFileStats, fileTripMessages, simulatedTripMessages, toTripMessage } from './trip-messages.ts';

const HOUR = 3_600_000;
const START = Date.UTC(2025, 2, 10, 16); // Monday 12:00 EDT
const sim = () => createTripSimulation({ startTs: START, seed: 5, anomalyRate: 0.05, episodesPerDay: 4 });

test('a trip message: the city subject, the record as JSON (truth included), the trip id as msg id', () => {
  const t = sim().nextBatch(START + HOUR).find((x) => x.truth)!;
  const m = toTripMessage(t, 4);
  assert.equal(m.subject, `events.trip.${partitionOf(TRIP_REGION, 4)}.nyc`);
  assert.equal(m.subject, 'events.trip.1.nyc');
  assert.equal(m.msgId, t.id);
  assert.equal(m.eventTs, t.dropoff_ts);
  assert.deepEqual(JSON.parse(m.data as string), t);
  assert.ok((JSON.parse(m.data as string) as TripEvent).truth?.kind);
  assert.equal(toTripMessage(t, 1).subject, 'events.trip.0.nyc');
});

test('simulated messages: exactly the simulation over the range, in dropoff order, whatever the batch step', () => {
  const expected = sim().nextBatch(START + 6 * HOUR);
  const got = [...simulatedTripMessages(sim(), { startTs: START, endTs: START + 6 * HOUR, stepMs: 7 * 60_000 }, 4)];
  assert.deepEqual(got.map((m) => m.trip), expected);
  assert.ok(got.length > 300, String(got.length));
  for (let i = 1; i < got.length; i++) assert.ok(got[i - 1]!.eventTs <= got[i]!.eventTs);
  assert.ok(got.every((m) => m.eventTs < START + 6 * HOUR));
  assert.ok(got.some((m) => m.trip.truth));
  // --count: the first n; the simulation is not run further than needed.
  const first = [...simulatedTripMessages(sim(), { startTs: START, count: 25 }, 4)];
  assert.deepEqual(first.map((m) => m.msgId), got.slice(0, 25).map((m) => m.msgId));
  // count and span together: whichever ends first.
  assert.equal([...simulatedTripMessages(sim(), { startTs: START, endTs: START + HOUR / 2, count: 10_000 }, 4)].length, sim().nextBatch(START + HOUR / 2).length);
});

test('file messages: blank rows skipped, undatable rows counted, contract failures published and counted', async () => {
  const good = { id: 'tlc-f-1', vendor: 1, pickup_ts: START, dropoff_ts: START + 600_000, pickup_lat: 40.75, pickup_lng: -73.98, dropoff_lat: 40.76, dropoff_lng: -73.97, passenger_count: 1, trip_distance: 1.5, rate_code: 1, payment_type: 1, fare_amount: 8.5, extra: 0.5, mta_tax: 0.5, tip_amount: 1.5, tolls_amount: 0, improvement_surcharge: 0.3, congestion_surcharge: 0, airport_fee: 0, cbd_congestion_fee: 0, total_amount: 11.3, truth: null } satisfies TlcTripRecord;
  const results: TlcRowResult[] = [
    { kind: 'blank' },
    { kind: 'trip', trip: good },
    { kind: 'trip', trip: { ...good, id: 'tlc-f-2', pickup_lat: 0 } },
    { kind: 'trip', trip: { ...good, id: 'tlc-f-3', total_amount: 99 } },
    { kind: 'unconvertible', row: 4, reason: 'no parseable dropoff time' },
  ];
  const stats = emptyTripFileStats();
  const out = [];
  for await (const m of fileTripMessages(results, 4, stats)) out.push(m);
  assert.deepEqual(out.map((m) => m.msgId), ['tlc-f-1', 'tlc-f-2', 'tlc-f-3']);
  assert.deepEqual(stats, { rows: 5, blank: 1, unconvertible: 1, unconvertibleRows: [{ row: 4, reason: 'no parseable dropoff time' }], rejected: 2, rejectedByField: { pickup_lat: 1, total_amount: 1 } });
});
