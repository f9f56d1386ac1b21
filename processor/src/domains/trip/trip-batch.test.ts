import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SEVERITY_BANDS, type TripEvent } from '../../../../contracts/index.ts';
import { createTripSimulation } from '../../../../producers/src/trip/index.ts';
import type { RawEvent } from '../../core/raw-event.ts';
import { createTripScoring } from './create-trip-scoring.ts';
import { isQuietCellRow, NO_MODEL_OUTPUTS, TripBatchProcessor, type TripBatchResult } from './trip-batch.ts';
import { TRIP_CELL_FEATURE_SET } from './trip-cell-features.ts';

const T0 = Date.UTC(2026, 0, 5, 5);
const enc = new TextEncoder();
const trips: TripEvent[] = createTripSimulation({ startTs: T0, seed: 4, scale: 0.004, anomalyRate: 0.01 }).nextBatch(T0 + 36 * 3_600_000);
const messages: RawEvent[] = trips.map((t, i) => ({ subject: 'events.trip.1.nyc', seq: i + 1, partition: 1, data: enc.encode(JSON.stringify(t)) }));

const newCore = () => new TripBatchProcessor({ runId: 'r', ...createTripScoring(), bands: DEFAULT_SEVERITY_BANDS, maxFutureMs: 86_400_000, allowedLatenessMs: 1_800_000 });
const run = (core: TripBatchProcessor, batch: readonly RawEvent[]): TripBatchResult => {
  const stage = core.ingest(batch, T0 + 40 * 3_600_000);
  return core.score(stage, NO_MODEL_OUTPUTS(stage), T0 + 40 * 3_600_000);
};
const batches = (from: number, to: number, size = 500) => {
  const out: RawEvent[][] = [];
  for (let i = from; i < to; i += size) out.push(messages.slice(i, Math.min(to, i + size)));
  return out;
};
/**
 * One uninterrupted run of the whole log in 1 000-message batches, then a batch holding one bad
 * record, made once and shared (read-only) by the tests that only look at what such a run gives:
 * a run of this log is the slow part of the file (~10 s of CPU).
 */
const BAD: RawEvent = { subject: 'events.trip.1.nyc', seq: messages.length + 1, partition: 1, data: enc.encode('{"id":"x","pickup_ts":5,"dropoff_ts":1}') };
let wholeRun: { log: TripBatchResult[]; bad: TripBatchResult } | undefined;
const runWholeLog = () => {
  if (wholeRun) return wholeRun;
  const core = newCore();
  const log = batches(0, messages.length, 1000).map((b) => run(core, b));
  wholeRun = { log, bad: run(core, [BAD]) };
  return wholeRun;
};
/** What a batch decided, without wall-clock columns. */
const verdicts = (r: TripBatchResult) => [
  ...r.rows.scores.map((s) => `${s.event_id}:${s.score.toFixed(6)}:${s.kind}`),
  ...r.rows.cellWindows.map((c) => `${c.resolution}:${c.cell}:${c.window_end}:${c.score.toFixed(6)}:${c.direction}`),
  ...r.anomalies.map((a) => a.id),
];

test('every trip becomes an event, a score and a feature row; cells get windows; a bad record is dead-lettered with its reason', () => {
  const { log, bad } = runWholeLog();
  const results = [...log, bad];
  const events = results.flatMap((r) => r.rows.events);
  assert.equal(events.length, trips.length);
  assert.equal(results.flatMap((r) => r.rows.scores).length, trips.length);
  assert.ok(results.flatMap((r) => r.rows.cellWindows).length > 1000);
  assert.deepEqual(new Set(results.flatMap((r) => r.rows.cellWindows).map((c) => c.resolution)), new Set([7, 8, 9]));
  const dl = results.flatMap((r) => r.deadLetters);
  assert.equal(dl.length, 1);
  assert.equal(dl[0]!.kind, 'invalid_event');
  // Every labelled trip-level anomaly is stored with its truth; most are flagged with their kind.
  const labelled = events.filter((e) => ['overcharge', 'impossible', 'detour'].includes(e.truth_kind));
  const byId = new Map(results.flatMap((r) => r.rows.scores).map((s) => [s.event_id, s]));
  const caught = labelled.filter((e) => byId.get(e.event_id)!.kind === e.truth_kind && byId.get(e.event_id)!.severity !== '');
  assert.ok(labelled.length >= 5 && caught.length >= labelled.length * 0.7, `${caught.length} of ${labelled.length} labelled trips flagged with their kind`);
});

test('a redelivered message is skipped, not learnt twice', () => {
  const core = newCore();
  run(core, messages.slice(0, 300));
  const again = run(core, messages.slice(200, 400));
  assert.equal(again.redelivered, 100);
  assert.equal(again.rows.events.length, 100);
});

test('a snapshot restored into a new processor continues with exactly the uninterrupted verdicts', () => {
  const cut = Math.floor(messages.length * 0.55);
  const straight = newCore();
  for (const b of batches(0, cut)) run(straight, b);
  const snapshot = JSON.parse(JSON.stringify(straight.captureState()));
  const restored = newCore();
  restored.restoreState(snapshot);
  const a = batches(cut, messages.length).flatMap((b) => verdicts(run(straight, b)));
  const b = batches(cut, messages.length).flatMap((b) => verdicts(run(restored, b)));
  assert.ok(a.length > 1000, `expected verdicts after the cut, got ${a.length}`);
  assert.deepEqual(b, a);
});

test('verdicts do not depend on how the log is cut into batches (live micro-batches vs a replay\'s log reads)', () => {
  const inSmall = newCore();
  // Each batch lists its trips' verdicts before its boundaries': compare the verdicts, not that order.
  const a = batches(0, messages.length, 97).flatMap((b) => verdicts(run(inSmall, b))).sort();
  const b = runWholeLog().log.flatMap(verdicts).sort();
  assert.ok(a.length > 1000);
  assert.deepEqual(b, a);
});

test('quiet cell rows (nothing in the hour, score 0) are scored and have a feature vector, but no stored window and no map cell', () => {
  const results = runWholeLog().log;
  const windows = results.flatMap((r) => r.rows.cellWindows);
  const cellVectors = results.flatMap((r) => r.rows.features).filter((f) => f.feature_set === TRIP_CELL_FEATURE_SET);
  assert.ok(windows.every((w) => !isQuietCellRow(w.pickups_60m, w.dropoffs_60m, w.score)));
  const quiet = cellVectors.filter((f) => f.values[1] === 0 && f.values[3] === 0);
  assert.ok(quiet.length > 0, 'the scenario has cells that went quiet');
  assert.ok(cellVectors.length > windows.length);
  const mapCells = results.flatMap((r) => r.boundaries.flatMap((b) => b.cells));
  // A set, not windows.some() per map cell: that was ~10^5 × 10^5 comparisons, most of the file's time.
  const cellsWithWindows = new Set(windows.map((w) => w.cell));
  assert.ok(mapCells.every((c) => c.score > 0 || c.pickups > 0 || cellsWithWindows.has(c.cell)));
});

test('a live core that does not store feature vectors does not make them', () => {
  const core = new TripBatchProcessor({ runId: 'r', ...createTripScoring(), bands: DEFAULT_SEVERITY_BANDS, maxFutureMs: 86_400_000, allowedLatenessMs: 1_800_000, featureRows: false });
  // The first 1 000 trips (~10 simulated hours, hour boundaries included): the same messages
  // make trip and cell feature vectors in a core that stores them.
  const results = batches(0, 1000).map((b) => run(core, b));
  assert.equal(results.flatMap((r) => r.rows.features).length, 0);
  assert.equal(results.flatMap((r) => r.rows.events).length, 1000);
  const stored = runWholeLog().log[0]!.rows.features;
  assert.ok(stored.some((f) => f.feature_set === TRIP_CELL_FEATURE_SET) && stored.some((f) => f.feature_set !== TRIP_CELL_FEATURE_SET), 'the same trips make both kinds of vector when stored');
});
