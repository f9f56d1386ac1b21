import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SEVERITY_BANDS } from '../../../../contracts/index.ts';
import { SensorBatchProcessor } from './sensor-batch.ts';
import type { RawEvent } from '../../core/raw-event.ts';
import type { ReadingScorer } from './detectors/reading-scorer.ts';
import { TumblingWindows } from './tumbling-windows.ts';

const NOW = Date.UTC(2026, 0, 2);
const MIN = 60_000;
let seq = 0;
const raw = (v: unknown, partition = 0): RawEvent => ({
  subject: `events.sensor.${partition}.st-1`,
  seq: ++seq,
  partition,
  data: new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v)),
});
const reading = (i: number, pressure: number) => ({ id: `st-1@${i}`, station: 'st-1', ts: Date.UTC(2026, 0, 1) + i * MIN, channels: { pressure }, truth: null });

/** Fake scorer: the score is the pressure value; throws on a negative one (poison). */
const fakeScorer: ReadingScorer = {
  snapshot: () => ({ fake: 1 }),
  restore: (s) => {
    if ((s as { fake?: number }).fake !== 1) throw new Error('not a fake snapshot');
  },
  score(_s, _t, ch) {
    const p = ch.pressure ?? 0;
    if (p < 0) throw new Error('negative pressure');
    return { score: Math.min(100, p), detector: 'fake@1', drivers: [{ feature: 'pressure', score: Math.min(100, p), value: p, expected: 5, reason: 'test' }] };
  },
};

function processor() {
  return new SensorBatchProcessor({ runId: 'live', scorer: fakeScorer, windows: new TumblingWindows(5 * MIN, 0), bands: DEFAULT_SEVERITY_BANDS, maxFutureMs: MIN });
}

test('every message ends up as an event row or a dead letter, never both, never neither', () => {
  const p = processor();
  const batch = [raw(reading(0, 5)), raw('{oops'), raw(reading(1, 90)), raw({ ...reading(2, 1), station: '' }), raw(reading(3, -1))];
  const r = p.process(batch, NOW);
  assert.equal(r.rows.events.length + r.rows.deadLetters.length, batch.length);
  assert.deepEqual(r.deadLetters.map((d) => d.kind), ['invalid_json', 'invalid_event', 'processing_error']);
  assert.match(r.deadLetters[2]!.reason, /negative pressure/);
  assert.equal(r.rows.scores.length, 2);
});

test('scores at or above the minor band become anomalies with severity and deterministic ids', () => {
  const p = processor();
  const r = p.process([raw(reading(0, 50)), raw(reading(1, 96))], NOW);
  assert.equal(r.anomalies.length, 1);
  assert.equal(r.anomalies[0]!.severity, 'critical');
  assert.equal(r.anomalies[0]!.id, 'live:st-1@1');
  assert.equal(r.rows.anomalies[0]!.top_feature, 'pressure');
  assert.equal(r.rows.scores[0]!.severity, '');
});

test('a redelivery of a message already scored is skipped, not learnt twice', () => {
  const p = processor();
  const a = raw(reading(0, 5));
  const b = raw(reading(1, 5));
  p.process([a], NOW);
  const again = p.process([{ ...a, redelivered: true }, b], NOW);
  assert.equal(again.redelivered, 1);
  assert.deepEqual(again.rows.events.map((e) => e.event_id), ['st-1@1']);
});

test('closed windows become feature rows; ground truth is stored but not used', () => {
  const p = processor();
  const msgs = [0, 1, 2, 3, 4, 5].map((i) => raw({ ...reading(i, i), truth: i === 2 ? { kind: 'spike', faultId: 'f1' } : null }));
  const r = p.process(msgs, NOW);
  assert.equal(r.rows.windows.length, 1);
  assert.equal(r.rows.windows[0]!.readings, 5);
  assert.equal(r.rows.windows[0]!.mean.pressure, 2);
  assert.equal(r.rows.events[2]!.truth_kind, 'spike');
});

test('captured state covers the last sequence per partition and restores into a fresh core', () => {
  const p = processor();
  const msgs = [raw(reading(0, 5), 0), raw(reading(1, 5), 1), raw(reading(2, 5), 0)];
  p.process(msgs, NOW);
  const state = JSON.parse(JSON.stringify(p.captureState()));
  assert.deepEqual(state.seqs, { '0': msgs[2]!.seq, '1': msgs[1]!.seq });
  const q = processor();
  q.restoreState(state);
  assert.deepEqual(q.captureState().seqs, state.seqs);
  assert.throws(() => q.restoreState({ ...state, version: 99 }), /SnapshotUnreadable|v1/);
  assert.throws(() => q.restoreState({ ...state, detector: { other: true } }), /does not fit/);
});
