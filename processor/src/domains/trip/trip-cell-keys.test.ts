import assert from 'node:assert/strict';
import { test } from 'node:test';
import { latLngToCell } from 'h3-js';
import { DEFAULT_SEVERITY_BANDS, type TripEvent } from '../../../../contracts/index.ts';
import { createTripSimulation } from '../../../../producers/src/trip/index.ts';
import type { RawEvent } from '../../core/raw-event.ts';
import { createTripScoring } from './create-trip-scoring.ts';
import { NO_MODEL_OUTPUTS, TripBatchProcessor } from './trip-batch.ts';
import { TripCellPipeline } from './trip-cell-pipeline.ts';
import { TRIP_CELL_BYTES } from './trip-cell-keys.ts';

const T0 = Date.UTC(2026, 0, 5, 5);
const NOW = T0 + 40 * 3_600_000;
const enc = new TextEncoder();
const trips: TripEvent[] = createTripSimulation({ startTs: T0, seed: 4, scale: 0.004 }).nextBatch(T0 + 12 * 3_600_000);
const messages: RawEvent[] = trips.map((t, i) => ({ subject: 'events.trip.1.nyc', seq: i + 1, partition: 1, data: enc.encode(JSON.stringify(t)) }));
const r9 = (t: TripEvent) => [latLngToCell(t.pickup_lat, t.pickup_lng, 9), latLngToCell(t.dropoff_lat, t.dropoff_lng, 9)];

const core = (maxKeys: number, budgetBytes = 1e12) =>
  new TripBatchProcessor({
    runId: 'r',
    ...createTripScoring(),
    bands: DEFAULT_SEVERITY_BANDS,
    maxFutureMs: 86_400_000,
    allowedLatenessMs: 1_800_000,
    limits: { maxKeys, budgetBytes, configPath: 'processor.limits' },
  });

test('a trip that would bring the r9 cells past maxKeysPerDomain is kept (row, fare score) without its cell windows; trips in known cells go on', () => {
  const maxKeys = 40;
  const c = core(maxKeys);
  const stage = c.ingest(messages, NOW);
  const result = c.score(stage, NO_MODEL_OUTPUTS(stage), NOW);
  const refused = new Set(stage.trips.filter((t) => t.cellsRefused).map((t) => t.seq));
  assert.ok(refused.size > 0);
  assert.deepEqual(result.deadLetters, []);
  assert.equal(result.keyLimited, refused.size);
  assert.match(result.keyLimitReason!, /processor\.limits\.maxKeysPerDomain = 40/);
  // Replaying the admissions: a trip is refused exactly when its new cells do not fit.
  const known = new Set<string>();
  for (const [i, t] of trips.entries()) {
    const fresh = new Set(r9(t).filter((cell) => !known.has(cell)));
    const fits = known.size + fresh.size <= maxKeys;
    assert.equal(refused.has(i + 1), !fits, `trip ${i + 1}`);
    if (fits) for (const cell of fresh) known.add(cell);
  }
  assert.equal(c.cellKeys!.stats.live, known.size);
  assert.equal(result.rows.events.length, trips.length);
  assert.equal(result.rows.scores.length, trips.length);
  const r9Windows = result.rows.cellWindows.filter((w) => w.resolution === 9);
  assert.ok(r9Windows.length > 0);
  assert.ok(r9Windows.every((w) => known.has(w.cell)), 'refused cells have no windows');
});

test('the cell budget in bytes refuses new cells too, and the registry survives a snapshot', () => {
  const c = core(1e6, 10 * TRIP_CELL_BYTES);
  const stage = c.ingest(messages.slice(0, 200), NOW);
  c.score(stage, NO_MODEL_OUTPUTS(stage), NOW);
  assert.deepEqual(stage.deadLetters, []);
  assert.ok(stage.keyLimited > 0 && /stateBudgetBytes/.test(stage.keyLimitReason!));
  assert.ok(c.cellKeys!.stats.live <= 10);
  const d = core(1e6, 10 * TRIP_CELL_BYTES);
  d.restoreState(JSON.parse(JSON.stringify(c.captureState())));
  assert.deepEqual(d.cellKeys!.stats, c.cellKeys!.stats);
});

test('under its limits the registry changes no verdict', () => {
  const run = (c: TripBatchProcessor) => {
    const stage = c.ingest(messages, NOW);
    const r = c.score(stage, NO_MODEL_OUTPUTS(stage), NOW);
    return [...r.rows.scores.map((s) => `${s.event_id}:${s.score}`), ...r.rows.cellWindows.map((w) => `${w.cell}:${w.window_end}:${w.score}:${w.direction}`)];
  };
  const plain = new TripBatchProcessor({ runId: 'r', ...createTripScoring(), bands: DEFAULT_SEVERITY_BANDS, maxFutureMs: 86_400_000, allowedLatenessMs: 1_800_000 });
  assert.deepEqual(run(core(1e9)), run(plain));
});

test('new cells of a trip whose windows throw leave no trace in the budget', (t) => {
  const add = TripCellPipeline.prototype.add;
  t.mock.method(TripCellPipeline.prototype, 'add', function (this: TripCellPipeline, ...args: Parameters<typeof add>) {
    if (args[0].id === trips[0]!.id) throw new Error('windows bug');
    return add.apply(this, args);
  });
  const second = new Set(r9(trips[1]!));
  const c = core(second.size);
  const before = JSON.stringify(c.cellKeys!.snapshot());
  const first = c.ingest(messages.slice(0, 1), NOW);
  assert.deepEqual(first.deadLetters.map((d) => d.kind), ['processing_error']);
  assert.equal(JSON.stringify(c.cellKeys!.snapshot()), before);
  const next = c.ingest(messages.slice(1, 2), NOW);
  assert.equal(next.keyLimited, 0, "the failed trip's cells hold no slot");
  assert.equal(c.cellKeys!.stats.live, second.size);
});
