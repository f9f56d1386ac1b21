import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SEVERITY_BANDS, type TripEvent } from '../../../../contracts/index.ts';
import { createTripSimulation } from '../../../../producers/src/trip/index.ts';
import { createTripScoring } from './create-trip-scoring.ts';
import { filterTripRowsToRange } from './filter-trip-rows-to-range.ts';
import { NO_MODEL_OUTPUTS, TripBatchProcessor } from './trip-batch.ts';
import { TRIP_CELL_FEATURE_SET } from './trip-cell-features.ts';

const T0 = Date.UTC(2026, 0, 5, 5);
const HOUR = 3_600_000;
const enc = new TextEncoder();

test('a replay range keeps the trips, cell windows, features and anomalies inside it, no dead letters and no map boundaries', () => {
  const trips: TripEvent[] = createTripSimulation({ startTs: T0, seed: 2, scale: 0.004, anomalyRate: 0.02 }).nextBatch(T0 + 22 * HOUR);
  const batch = [...trips.map((t, i) => ({ subject: 'events.trip.0.nyc', seq: i + 1, partition: 0, data: enc.encode(JSON.stringify(t)) })), { subject: 'events.trip.0.nyc', seq: trips.length + 1, partition: 0, data: enc.encode('not json') }];
  const core = new TripBatchProcessor({ runId: 'r', ...createTripScoring(), bands: DEFAULT_SEVERITY_BANDS, maxFutureMs: 86_400_000, allowedLatenessMs: 1_800_000 });
  const stage = core.ingest(batch, T0 + 23 * HOUR);
  const all = core.score(stage, NO_MODEL_OUTPUTS(stage), T0 + 23 * HOUR);
  const from = T0 + 17 * HOUR; // noon to 2 pm in New York
  const to = T0 + 19 * HOUR;
  const kept = filterTripRowsToRange(all, from, to);
  const inside = (ts: number) => ts >= from && ts <= to;

  const expectEvents = all.rows.events.filter((e) => inside(e.ts));
  assert.ok(expectEvents.length > 100 && expectEvents.length < all.rows.events.length, `${expectEvents.length} of ${all.rows.events.length} trips in range`);
  assert.deepEqual(kept.rows.events, expectEvents);
  assert.deepEqual(kept.rows.scores.map((s) => s.event_id), expectEvents.map((e) => e.event_id));
  const windows = all.rows.cellWindows.filter((w) => inside(w.window_end));
  assert.ok(windows.length > 0 && windows.length < all.rows.cellWindows.length, `${windows.length} of ${all.rows.cellWindows.length} windows in range`);
  assert.deepEqual(kept.rows.cellWindows, windows);
  // One fare vector per trip and one cell vector per scored cell row in range (quiet rows have
  // a vector too, though no stored window), nothing else.
  const cellVectors = all.rows.features.filter((f) => f.feature_set === TRIP_CELL_FEATURE_SET && inside(f.ts));
  assert.ok(cellVectors.length >= windows.length);
  assert.equal(kept.rows.features.length, expectEvents.length + cellVectors.length);
  assert.ok(kept.rows.features.every((f) => inside(f.ts)));
  assert.deepEqual(kept.anomalies.map((a) => a.id), all.anomalies.filter((a) => inside(a.ts)).map((a) => a.id));
  assert.equal(kept.rows.anomalies.length, kept.anomalies.length);
  assert.equal(all.deadLetters.length, 1);
  assert.deepEqual([kept.deadLetters.length, kept.rows.deadLetters.length, kept.boundaries.length], [0, 0, 0]);
});
