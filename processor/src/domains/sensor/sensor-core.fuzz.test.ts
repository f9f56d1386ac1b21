import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_SEVERITY_BANDS, partitionOf } from '../../../../contracts/index.ts';
import { ProcessorConfig } from '../../../../config/schema.ts';
import { DEAD_LETTER_MAX_BYTES } from '../../core/dead-letter-of.ts';
import { SensorBatchProcessor } from './sensor-batch.ts';
import type { RawEvent } from '../../core/raw-event.ts';
import { createSensorDetector } from './detectors/sensor-detector.ts';
import { TumblingWindows, type TumblingWindowsSnapshot } from './tumbling-windows.ts';
import { fuzzParameters, hostileBody, hostileString, hostileTime, hostileValue, NOW } from '../../core/fuzz/poison-arbitraries.ts';

const PARTITIONS = 4;
const defaults = ProcessorConfig.parse({});
const enc = new TextEncoder();
const STATIONS = ['st-1', 'st-2', 'st-3', 'st-4', 'st-5'];
/** Open windows a key may hold: the watermark closes every one that ends before it. */
const MAX_OPEN = Math.ceil(defaults.allowedLatenessMs / defaults.windowMs) + 2;

const newCore = () =>
  new SensorBatchProcessor({
    runId: 'fuzz',
    scorer: createSensorDetector(),
    windows: new TumblingWindows(defaults.windowMs, defaults.allowedLatenessMs),
    bands: DEFAULT_SEVERITY_BANDS,
    maxFutureMs: defaults.maxFutureMs,
    partitionCount: PARTITIONS,
  });

const reading = fc.record({
  id: fc.string({ minLength: 1, maxLength: 12 }),
  station: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...STATIONS) }, hostileString),
  ts: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: NOW - 3_600_000, max: NOW }) }, hostileTime),
  channels: fc.dictionary(fc.oneof({ weight: 12, arbitrary: fc.constantFrom('pressure', 'flow', 'temp') }, hostileString), hostileValue, { minKeys: 1, maxKeys: 4 }),
});

/** A message: its body, and whether it goes to its key's partition (else a random one). */
const message = fc.record({ data: hostileBody(reading), home: fc.boolean(), partition: fc.integer({ min: 0, max: PARTITIONS - 1 }), redeliver: fc.integer({ min: 0, max: 30 }) });

function toRaw(ms: { data: Uint8Array; home: boolean; partition: number; redeliver: number }[], seq: { n: number }): RawEvent[] {
  return ms.map((m) => {
    let partition = m.partition;
    if (m.home) {
      try {
        partition = partitionOf(JSON.parse(new TextDecoder().decode(m.data)).station, PARTITIONS);
      } catch {
        // not JSON or no station: any partition
      }
    }
    // Now and then a message delivered again (same sequence): skipped as a redelivery.
    const s = m.redeliver === 0 && seq.n > 0 ? seq.n : ++seq.n;
    return { subject: `events.sensor.${partition}.x`, seq: s, partition, data: m.data };
  });
}

test('fuzz: the sensor core never throws, accounts for every message, bounds dead letters and windows', () => {
  let stored = 0;
  fc.assert(
    fc.property(fc.array(fc.array(message, { maxLength: 25 }), { minLength: 1, maxLength: 6 }), (batches) => {
      const core = newCore();
      const seq = { n: 0 };
      let now = NOW;
      for (const b of batches) {
        const batch = toRaw(b, seq);
        const r = core.process(batch, now);
        now += 60_000;
        stored += r.rows.events.length;
        assert.equal(r.rows.events.length + r.deadLetters.length + r.redelivered, batch.length, 'every message is a row, a dead letter or a redelivery');
        assert.equal(r.rows.deadLetters.length, r.deadLetters.length);
        assert.equal(r.rows.scores.length, r.rows.events.length);
        for (const d of r.deadLetters) assert.ok(enc.encode(JSON.stringify(d)).length <= DEAD_LETTER_MAX_BYTES);
        for (const s of r.rows.scores) assert.ok(s.score >= 0 && s.score <= 100, `score ${s.score}`);
        for (const e of r.rows.events) assert.ok(e.ts <= now + defaults.maxFutureMs);
      }
      for (const k of (core.captureState().windows as TumblingWindowsSnapshot).keys) assert.ok(k.open.length <= MAX_OPEN, `${k.key} holds ${k.open.length} open windows`);
    }),
    fuzzParameters(150),
  );
  assert.ok(stored > 500, `the generator must reach the scorer often enough (${stored} readings stored)`);
});

test('fuzz: thousands of new stations in one batch, with 1970 and far-past times, are all accounted for', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1000, max: 3000 }), fc.constantFrom(0, 1, Date.UTC(2013, 6, 1), NOW - 1), (n, ts) => {
      const core = newCore();
      const batch: RawEvent[] = Array.from({ length: n }, (_, i) => {
        const station = `s${i}`;
        const p = partitionOf(station, PARTITIONS);
        return { subject: `events.sensor.${p}.${station}`, seq: i + 1, partition: p, data: enc.encode(JSON.stringify({ id: `${station}@${ts}`, station, ts: ts + i, channels: { pressure: i % 7 === 0 ? 1e308 : i } })) };
      });
      const r = core.process(batch, NOW);
      assert.equal(r.rows.events.length + r.deadLetters.length, n);
      assert.equal(r.deadLetters.length, 0, r.deadLetters[0]?.reason);
    }),
    fuzzParameters(4),
  );
});
