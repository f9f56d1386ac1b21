// The poison inputs of issue #13, each against the pure cores: the message becomes a dead
// letter with its reason (bounded), the batch goes on, and state stays small.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SEVERITY_BANDS, partitionOf, TRIP_REGION, type TripEvent } from '../../../contracts/index.ts';
import { ProcessorConfig } from '../../../config/schema.ts';
import { createTripSimulation } from '../../../producers/src/trip/index.ts';
import { DEAD_LETTER_MAX_BYTES } from './dead-letter-of.ts';
import type { ReadingScorer } from '../domains/sensor/detectors/reading-scorer.ts';
import { SensorBatchProcessor } from '../domains/sensor/sensor-batch.ts';
import type { RawEvent } from './raw-event.ts';
import { TumblingWindows } from '../domains/sensor/tumbling-windows.ts';
import { createSensorDetector } from '../domains/sensor/detectors/sensor-detector.ts';
import { createTripScoring } from '../domains/trip/create-trip-scoring.ts';
import { NO_MODEL_OUTPUTS, TripBatchProcessor, type TripBatchResult, type TripLevelScorer } from '../domains/trip/trip-batch.ts';

const MIN = 60_000;
const NOW = Date.UTC(2026, 0, 2);
const PARTITIONS = 4;
const enc = new TextEncoder();
const bytes = (x: unknown) => enc.encode(JSON.stringify(x)).length;
let seq = 0;
const raw = (v: unknown, partition: number, key = 'k'): RawEvent => ({ subject: `events.x.${partition}.${key}`, seq: ++seq, partition, data: enc.encode(typeof v === 'string' ? v : JSON.stringify(v)) });

const scorer: ReadingScorer = {
  snapshot: () => ({}),
  restore: () => {},
  score: (_s, _t, ch) => ({ score: Math.min(100, Math.abs(ch.p ?? 0)), detector: 'fake@1', drivers: [] }),
};
/** The configured defaults: the future tolerance is the one a stack runs with. */
const defaults = ProcessorConfig.parse({});
const sensorCore = (s: ReadingScorer = scorer) =>
  new SensorBatchProcessor({ runId: 'live', scorer: s, windows: new TumblingWindows(defaults.windowMs, defaults.allowedLatenessMs), bands: DEFAULT_SEVERITY_BANDS, maxFutureMs: defaults.maxFutureMs, partitionCount: PARTITIONS });
const reading = (station: string, ts: number, p = 1) => ({ id: `${station}@${ts}`, station, ts, channels: { p } });
const home = (station: string) => partitionOf(station, PARTITIONS);

test('sensor: a reading on a partition its station does not hash to is dead-lettered with both numbers', () => {
  const core = sensorCore();
  const wrong = (home('st-1') + 1) % PARTITIONS;
  const r = core.process([raw(reading('st-1', NOW - MIN), wrong), raw(reading('st-1', NOW - MIN + 1), home('st-1'))], NOW);
  assert.deepEqual(r.deadLetters.map((d) => d.kind), ['partition_mismatch']);
  assert.match(r.deadLetters[0]!.reason, new RegExp(`partition ${wrong}.*hashes to partition ${home('st-1')} of ${PARTITIONS}`));
  assert.equal(r.rows.events.length, 1);
});

test('sensor: the 995 KB event with 5 invalid 199 KB channel keys gives a bounded dead letter that keeps its reason', () => {
  const key = 'X'.repeat(199_000);
  const channels = Object.fromEntries([1, 2, 3, 4, 5].map((i) => [`${key}${i}`, 1]));
  const poison = raw({ id: 'big', station: 'st-1', ts: NOW - MIN, channels }, home('st-1'));
  assert.ok(poison.data.byteLength > 990_000);
  const r = sensorCore().process([poison], NOW);
  const d = r.deadLetters[0]!;
  assert.equal(d.kind, 'invalid_event');
  assert.ok(bytes(d) <= DEAD_LETTER_MAX_BYTES, `${bytes(d)} bytes`);
  assert.equal(d.truncated, true);
  assert.equal(d.originalBytes, poison.data.byteLength);
  assert.match(d.reason, /^channels\.X{64}…\(199001 chars\)/, 'the reason names the key by its start and length');
  assert.ok(d.reason.length < 2048 && d.payload.length > 60_000, 'a short reason, and most of the room for the payload');
  assert.equal(r.rows.deadLetters[0]!.payload, d.payload, 'the stored row is the bounded letter');
});

test('sensor: a reading 23 h ahead is refused, and the station\'s real readings are not late', () => {
  const core = sensorCore();
  const p = home('st-1');
  const r = core.process([raw(reading('st-1', NOW + 23 * 3_600_000), p), raw(reading('st-1', NOW - 10 * MIN), p), raw(reading('st-1', NOW - 4 * MIN), p)], NOW);
  assert.deepEqual(r.deadLetters.map((d) => d.kind), ['future_timestamp']);
  assert.equal(r.late, 0);
  assert.deepEqual(r.rows.events.map((e) => e.late), [0, 0]);
});

test('sensor: a reading that makes scoring throw half-way leaves no partial rows, is dead-lettered, and the batch goes on', () => {
  const throwing: ReadingScorer = {
    ...scorer,
    score: (s, t, ch) => {
      const out = scorer.score(s, t, ch);
      if (s !== 'bad') return out;
      // Throws only when the score row is built, after the event row was pushed.
      return Object.defineProperty({ ...out }, 'detector', {
        get() {
          throw new TypeError('unexpected value');
        },
      });
    },
  };
  const core = sensorCore(throwing);
  const batch = [raw(reading('good', NOW - MIN), home('good')), raw(reading('bad', NOW - MIN), home('bad')), raw(reading('good', NOW - MIN + 1), home('good'))];
  const r = core.process(batch, NOW);
  assert.deepEqual(r.deadLetters.map((d) => [d.kind, d.reason]), [['processing_error', 'scoring failed: TypeError: unexpected value']]);
  assert.deepEqual(r.rows.events.map((e) => e.station), ['good', 'good']);
  assert.equal(r.rows.scores.length, 2);
});

// --- trips ---------------------------------------------------------------------------------
const T0 = Date.UTC(2026, 0, 5, 12);
const sim: TripEvent[] = createTripSimulation({ startTs: T0, seed: 3, scale: 0.004, anomalyRate: 0 }).nextBatch(T0 + 2 * 3_600_000);
const tripHome = partitionOf(TRIP_REGION, PARTITIONS);
const tripCore = (over: Partial<ReturnType<typeof createTripScoring>> = {}) =>
  new TripBatchProcessor({ runId: 'r', ...createTripScoring(), ...over, bands: DEFAULT_SEVERITY_BANDS, maxFutureMs: defaults.maxFutureMs, allowedLatenessMs: defaults.tripAllowedLatenessMs, partitionCount: PARTITIONS });
const runTrips = (core: TripBatchProcessor, batch: RawEvent[], now: number): TripBatchResult => {
  const stage = core.ingest(batch, now);
  return core.score(stage, NO_MODEL_OUTPUTS(stage), now);
};

test('trip: the 1970 trip on a partition that is not its city\'s is dead-lettered (partition_mismatch)', () => {
  const wrong = (tripHome + 1) % PARTITIONS;
  const poison = { ...sim[0]!, id: 'poison', pickup_ts: 0, dropoff_ts: 0 };
  const r = runTrips(tripCore(), [raw(poison, wrong, 'nyc'), ...sim.slice(0, 50).map((t) => raw(t, tripHome, 'nyc'))], T0 + 3 * 3_600_000);
  assert.deepEqual(r.deadLetters.map((d) => [d.kind, d.streamSeq]), [['partition_mismatch', seq - 50]]);
  assert.equal(r.rows.events.length, 50);
});

test('trip: a time-0 trip that opens a partition, then trips two months later, emit a bounded number of cell rows', () => {
  const poison = { ...sim[0]!, id: 'poison', pickup_ts: 0, dropoff_ts: 0 };
  const later = 60 * 1440 * MIN;
  const after = { ...sim[1]!, id: 'after', pickup_ts: later, dropoff_ts: later + 10 * MIN };
  const core = tripCore();
  const r = runTrips(core, [raw(poison, tripHome, 'nyc'), raw(after, tripHome, 'nyc')], later + 20 * MIN);
  assert.equal(r.rows.events.length, 2);
  // Walking the gap: 17 280 boundaries × the new trip's cells. Skipping it: the old cells' idle
  // retention and the new cells' lead-in, 2 × 72 boundaries at most.
  assert.ok(r.rows.cellWindows.length < 2 * 73 * 6, `${r.rows.cellWindows.length} cell rows`);
});

test('trip: a trip whose scoring throws is dead-lettered (processing_error) without partial rows; the others are scored', () => {
  const base = createTripScoring();
  const tripScorer: TripLevelScorer = {
    detector: base.tripScorer.detector,
    captureState: () => base.tripScorer.captureState(),
    restoreState: (st) => base.tripScorer.restoreState(st),
    score: (t, features, expected, fareScore) => {
      if (t.id === sim[3]!.id) throw new RangeError('fare model returned NaN');
      return base.tripScorer.score(t, features, expected, fareScore);
    },
  };
  const r = runTrips(tripCore({ tripScorer }), sim.slice(0, 10).map((t) => raw(t, tripHome, 'nyc')), T0 + 3 * 3_600_000);
  assert.deepEqual(r.deadLetters.map((d) => [d.kind, d.reason]), [['processing_error', 'trip scoring failed: RangeError: fare model returned NaN']]);
  assert.equal(JSON.parse(r.deadLetters[0]!.payload).id, sim[3]!.id);
  assert.equal(r.rows.events.length, 9);
  assert.equal(r.rows.scores.length, 9);
  assert.equal(r.rows.features.filter((f) => f.feature_set.startsWith('trip-fare')).length, 9);
  assert.equal(r.rows.deadLetters.length, 1);
});

test('sensor: channels are bounded per reading and per station, so the detectors\' pairwise state cannot explode', () => {
  const core = sensorCore(createSensorDetector());
  const channels = (from: number, n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`c${from + i}`, i]));
  // 2 000 channels in 30 KB were 4 million relations: now the contract refuses the reading.
  const wide = core.process([raw({ id: 'wide', station: 'st-w', ts: NOW - 10 * MIN, channels: channels(0, 2000) }, home('st-w'))], NOW);
  assert.deepEqual(wide.deadLetters.map((d) => d.kind), ['invalid_event']);
  assert.match(wide.deadLetters[0]!.reason, /at most 32 channels/);
  // A known station rotating channel names: 20, then 20 new ones would make 40.
  const first = core.process([raw({ id: 'a', station: 'st-r', ts: NOW - 9 * MIN, channels: channels(0, 20) }, home('st-r'))], NOW);
  assert.equal(first.rows.events.length, 1);
  const rotated = core.process([raw({ id: 'b', station: 'st-r', ts: NOW - 8 * MIN, channels: channels(20, 20) }, home('st-r'))], NOW);
  assert.deepEqual(rotated.deadLetters.map((d) => d.kind), ['channel_limit']);
  assert.match(rotated.deadLetters[0]!.reason, /station st-r would have 40 channels; a station holds at most 32/);
  assert.equal(rotated.rows.events.length, 0);
  // Refused before anything changed: the station still has its 20 channels and goes on.
  const again = core.process([raw({ id: 'c', station: 'st-r', ts: NOW - 7 * MIN, channels: channels(0, 20) }, home('st-r'))], NOW);
  assert.equal(again.rows.events.length, 1);
  assert.equal(again.deadLetters.length, 0);
});
