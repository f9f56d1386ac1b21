import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_SEVERITY_BANDS, partitionOf, TRIP_AMOUNT_PARTS, TRIP_REGION, type TripEvent } from '../../../../contracts/index.ts';
import { ProcessorConfig } from '../../../../config/schema.ts';
import { createTripSimulation } from '../../../../producers/src/trip/index.ts';
import { DEAD_LETTER_MAX_BYTES } from '../../core/dead-letter-of.ts';
import type { RawEvent } from '../../core/raw-event.ts';
import { createTripScoring } from './create-trip-scoring.ts';
import type { CellWindowsSnapshot } from './cell-hopping-windows.ts';
import { NO_MODEL_OUTPUTS, TripBatchProcessor } from './trip-batch.ts';
import type { TripCellPipelineSnapshot } from './trip-cell-pipeline.ts';
import { fuzzParameters, hostileString, hostileValue } from '../../core/fuzz/poison-arbitraries.ts';

const PARTITIONS = 4;
const HOME = partitionOf(TRIP_REGION, PARTITIONS);
const defaults = ProcessorConfig.parse({});
const T0 = Date.UTC(2026, 0, 5, 12);
const NOW = T0 + 3 * 3_600_000;
const DAY = 86_400_000;
const enc = new TextEncoder();
const SIM: TripEvent[] = createTripSimulation({ startTs: T0, seed: 5, scale: 0.004, anomalyRate: 0.02 }).nextBatch(T0 + 2 * 3_600_000);

/** Boundaries a stretch of activity can cost: its idle retention on both sides, plus itself. */
const IDLE_BOUNDARIES = (2 * 21_600_000) / 300_000 + 2;

/** Pickup/dropoff pairs a hostile producer sends (the schema keeps pickup ≤ dropoff). */
const times: fc.Arbitrary<((t: TripEvent) => [number, number]) | [unknown, unknown]> = fc.oneof(
  { weight: 6, arbitrary: fc.constant((t: TripEvent): [number, number] => [t.pickup_ts, t.dropoff_ts]) },
  fc.constantFrom<[unknown, unknown]>([0, 0], [0, T0], [1, 1], [Date.UTC(2013, 6, 1), Date.UTC(2013, 6, 1, 0, 20)], [T0 - 60 * DAY, T0 - 60 * DAY + 600_000], [NOW + 23 * 3_600_000, NOW + 23 * 3_600_000], [1e15, 1e15], [-1, 5], ['NaN', T0], [T0, 8_640_000_000_000], [T0 + 0.5, T0 + 1]),
);

/** Most trips keep the field; one in five gets a hostile value. */
const rarely = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, arb);

const mutation = fc.record({
  base: fc.integer({ min: 0, max: SIM.length - 1 }),
  times,
  home: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, fc.constant(false)),
  partition: fc.integer({ min: 0, max: PARTITIONS - 1 }),
  fare: rarely(hostileValue),
  distance: rarely(hostileValue),
  place: rarely(fc.constantFrom<[number, number]>([40.3, -74.5], [41.2, -73.4], [40.75, -73.99], [0, 0])),
  id: rarely(hostileString),
  keepTotal: fc.boolean(),
});

type Mutation = typeof mutation extends fc.Arbitrary<infer V> ? V : never;

function toTrip(m: Mutation, i: number): Record<string, unknown> {
  const t: Record<string, unknown> = { ...SIM[m.base]!, id: m.id ?? `${SIM[m.base]!.id}#${i}` };
  const [pickup, dropoff] = typeof m.times === 'function' ? m.times(SIM[m.base]!) : m.times;
  t.pickup_ts = pickup;
  t.dropoff_ts = dropoff;
  if (m.fare !== null) t.fare_amount = m.fare;
  if (m.distance !== null) t.trip_distance = m.distance;
  if (m.place) {
    t.pickup_lat = m.place[0];
    t.pickup_lng = m.place[1];
  }
  // Keep the total the sum of its parts (else the schema refuses most money mutations).
  if (m.keepTotal) t.total_amount = TRIP_AMOUNT_PARTS.reduce((s, k) => s + ((t[k] as number | undefined) ?? 0), 0);
  return t;
}

test('fuzz: the trip core never throws, accounts for every trip, and its windows stay bounded after 1970 and far-future trips', () => {
  let stored = 0;
  let ancient = 0;
  let windowRows = 0;
  fc.assert(
    fc.property(fc.array(fc.array(mutation, { maxLength: 20 }), { minLength: 1, maxLength: 5 }), (batches) => {
      const core = new TripBatchProcessor({ runId: 'fuzz', ...createTripScoring(), bands: DEFAULT_SEVERITY_BANDS, maxFutureMs: defaults.maxFutureMs, allowedLatenessMs: defaults.tripAllowedLatenessMs, partitionCount: PARTITIONS });
      let seq = 0;
      let cellRows = 0;
      let trips = 0;
      for (const b of batches) {
        const batch: RawEvent[] = b.map((m, i) => {
          const partition = m.home ? HOME : m.partition;
          return { subject: `events.trip.${partition}.nyc`, seq: ++seq, partition, data: enc.encode(JSON.stringify(toTrip(m, seq + i))) };
        });
        const stage = core.ingest(batch, NOW);
        const r = core.score(stage, NO_MODEL_OUTPUTS(stage), NOW);
        assert.equal(r.rows.events.length + r.deadLetters.length + r.redelivered, batch.length, 'every trip is a row, a dead letter or a redelivery');
        assert.equal(r.rows.scores.length, r.rows.events.length);
        assert.equal(r.rows.deadLetters.length, r.deadLetters.length);
        for (const d of r.deadLetters) assert.ok(enc.encode(JSON.stringify(d)).length <= DEAD_LETTER_MAX_BYTES);
        for (const d of r.deadLetters) if (d.kind === 'partition_mismatch') assert.notEqual(Number(d.subject.split('.')[2]), HOME);
        for (const e of r.rows.events) assert.ok(e.ts <= NOW + defaults.maxFutureMs);
        assert.deepEqual(r.boundaryErrors, []);
        cellRows += r.rows.cellWindows.length;
        ancient += r.rows.events.filter((e) => e.ts < Date.UTC(2000, 0, 1)).length;
        trips += r.rows.events.length;
      }
      stored += trips;
      windowRows += cellRows;
      // Each trip touches at most 6 cells (pickup and dropoff at 3 resolutions); each cell
      // stretch costs its idle retention on both sides plus the 2 h of simulated activity.
      assert.ok(cellRows <= trips * 6 * (IDLE_BOUNDARIES + 24), `${cellRows} cell rows for ${trips} trips`);
      const state = core.captureState();
      for (const p of Object.values(state.pipelines) as TripCellPipelineSnapshot[]) {
        const cells = (p.windows as CellWindowsSnapshot).cells.reduce((n, l) => n + l.length, 0);
        assert.ok(cells <= trips * 6, `${cells} live cells for ${trips} trips`);
      }
    }),
    fuzzParameters(200),
  );
  // The generator must reach the windows, with trips of 1970 among them.
  assert.ok(stored > 1000 && ancient > 20 && windowRows > 1000, `${stored} trips stored, ${ancient} before 2000, ${windowRows} cell rows`);
});
