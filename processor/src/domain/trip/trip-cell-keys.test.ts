import assert from 'node:assert/strict';
import { test } from 'node:test';
import { latLngToCell } from 'h3-js';
import { DEFAULT_SEVERITY_BANDS, type TripEvent } from '../../../../contracts/index.ts';
import { createTripSimulation } from '../../../../producers/src/trip/index.ts';
import type { RawEvent } from '../sensor-batch.ts';
import { createTripScoring } from './create-trip-scoring.ts';
import { NO_MODEL_OUTPUTS, TripBatchProcessor } from './trip-batch.ts';
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

test('a trip that would bring the r9 cells past maxKeysPerDomain is dead-lettered key_limit; trips in known cells go on', () => {
  const maxKeys = 40;
  const c = core(maxKeys);
  const stage = c.ingest(messages, NOW);
  const result = c.score(stage, NO_MODEL_OUTPUTS(stage), NOW);
  const refused = new Set(result.deadLetters.map((d) => d.streamSeq));
  assert.ok(refused.size > 0);
  assert.ok(result.deadLetters.every((d) => d.kind === 'key_limit' && /processor\.limits\.maxKeysPerDomain = 40/.test(d.reason)));
  // Replaying the admissions: a trip is refused exactly when its new cells do not fit.
  const known = new Set<string>();
  for (const [i, t] of trips.entries()) {
    const fresh = new Set(r9(t).filter((cell) => !known.has(cell)));
    const fits = known.size + fresh.size <= maxKeys;
    assert.equal(refused.has(i + 1), !fits, `trip ${i + 1}`);
    if (fits) for (const cell of fresh) known.add(cell);
  }
  assert.equal(c.cellKeys!.stats.live, known.size);
  assert.equal(result.rows.events.length, trips.length - refused.size);
});

test('the cell budget in bytes refuses new cells too, and the registry survives a snapshot', () => {
  const c = core(1e6, 10 * TRIP_CELL_BYTES);
  const stage = c.ingest(messages.slice(0, 200), NOW);
  c.score(stage, NO_MODEL_OUTPUTS(stage), NOW);
  assert.ok(stage.deadLetters.length > 0 && stage.deadLetters.every((d) => d.kind === 'key_limit' && /stateBudgetBytes/.test(d.reason)));
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
