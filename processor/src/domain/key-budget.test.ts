import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SEVERITY_BANDS } from '../../../contracts/index.ts';
import { createGasNetwork } from '../../../producers/src/sensor/gas-network.ts';
import type { KeyLimits } from './key-budget.ts';
import { SensorBatchProcessor, type RawEvent } from './sensor-batch.ts';
import { createSensorDetector, SENSOR_NEW_KEY_BYTES } from './sensor-detector.ts';
import { TumblingWindows } from './tumbling-windows.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const START = Date.UTC(2024, 0, 8);
const NOW = START + 30 * 24 * HOUR;
const enc = new TextEncoder();

const LIMITS: KeyLimits = { maxKeys: 1000, budgetBytes: 1e12, idleMs: 0, newKeyBytes: SENSOR_NEW_KEY_BYTES, configPath: 'processor.limits' };

function core(limits?: Partial<KeyLimits>) {
  return new SensorBatchProcessor({
    runId: 'live',
    scorer: createSensorDetector(),
    windows: new TumblingWindows(5 * MIN, 2 * MIN),
    bands: DEFAULT_SEVERITY_BANDS,
    maxFutureMs: HOUR,
    limits: limits ? { ...LIMITS, ...limits } : undefined,
  });
}

let seq = 0;
function message(station: string, ts: number, channels: Record<string, number>): RawEvent {
  const reading = { id: `${station}@${ts}`, station, ts, channels, truth: null };
  return { subject: `events.sensor.0.${station}`, seq: ++seq, partition: 0, data: enc.encode(JSON.stringify(reading)) };
}

test('a new station past maxKeysPerDomain is dead-lettered key_limit with the limit, its value and what to change; known stations go on', () => {
  const p = core({ maxKeys: 2 });
  const r = p.process([message('a', START, { p: 1 }), message('b', START, { p: 2 }), message('c', START, { p: 3 }), message('a', START + MIN, { p: 1 })], NOW);
  assert.deepEqual(r.rows.events.map((e) => e.station), ['a', 'b', 'a']);
  assert.equal(r.deadLetters.length, 1);
  assert.equal(r.deadLetters[0]!.kind, 'key_limit');
  assert.match(r.deadLetters[0]!.reason, /processor\.limits\.maxKeysPerDomain = 2/);
  assert.match(r.deadLetters[0]!.reason, /raise it/);
  assert.equal(r.rows.deadLetters[0]!.kind, 'key_limit');
  assert.deepEqual({ live: p.keys!.stats.live, evicted: p.keys!.stats.evicted }, { live: 2, evicted: 0 });
});

test('a new station that would pass stateBudgetBytes is dead-lettered key_limit; state stays within the budget', () => {
  const budget = 3 * SENSOR_NEW_KEY_BYTES;
  const p = core({ budgetBytes: budget });
  const msgs = Array.from({ length: 50 }, (_, i) => message(`s${i}`, START, { pressure: 5, flow: 100, temperature: 10 }));
  const r = p.process(msgs, NOW);
  assert.ok(r.deadLetters.length > 0 && r.deadLetters.every((d) => d.kind === 'key_limit'));
  assert.ok(r.deadLetters[0]!.reason.includes(`processor.limits.stateBudgetBytes = ${budget}`), r.deadLetters[0]!.reason);
  const s = p.keys!.stats;
  assert.ok(s.liveBytes + s.evictedBytes <= budget, `${s.liveBytes} + ${s.evictedBytes} bytes > ${budget}`);
  assert.equal(r.rows.events.length + r.deadLetters.length, 50);
});

/** Three days of a small gas network where station 1 falls silent for 6 h and station 2 for a day. */
function networkMessages(): RawEvent[] {
  const sim = createGasNetwork({ stations: 4, seed: 3, faultRate: 2, startTs: START, stepMs: MIN });
  const out: RawEvent[] = [];
  const silent = (station: string, ts: number) =>
    (station.endsWith('1') && ts >= START + 30 * HOUR && ts < START + 36 * HOUR) || (station.endsWith('2') && ts >= START + 40 * HOUR && ts < START + 64 * HOUR);
  for (let t = 0; t < 3 * 24 * 60; t++) {
    for (const r of sim.nextTick()) if (!silent(r.station, r.ts)) out.push(message(r.station, r.ts, r.channels));
  }
  return out;
}

/** Scores, drivers and closed windows per station, batch by batch (500 messages). */
function run(p: SensorBatchProcessor, msgs: RawEvent[], onBatch?: (p: SensorBatchProcessor, i: number) => SensorBatchProcessor) {
  const scores: string[] = [];
  const windows: string[] = [];
  let evictedSeen = 0;
  for (let i = 0; i < msgs.length; i += 500) {
    const r = p.process(msgs.slice(i, i + 500), NOW);
    for (const s of r.rows.scores) scores.push(`${s.entity} ${s.ts} ${s.score} ${s.drivers}`);
    for (const w of r.rows.windows) windows.push(JSON.stringify({ ...w, closed_at: 0 }));
    assert.equal(r.deadLetters.length, 0);
    evictedSeen = Math.max(evictedSeen, p.keys?.stats.evicted ?? 0);
    if (onBatch) p = onBatch(p, i);
  }
  return { scores, windows, evictedSeen };
}

test('stations evicted while idle and revived when they come back score exactly as if never evicted, also through a snapshot', () => {
  const msgs = networkMessages();
  const plain = run(core(), msgs);
  const evicting = run(core({ idleMs: 2 * HOUR }), msgs);
  assert.ok(evicting.evictedSeen >= 1, 'the silent stations were evicted');
  assert.deepEqual(evicting.scores, plain.scores);
  assert.deepEqual(evicting.windows, plain.windows);

  // Restarts from a snapshot (JSON, as the store keeps it) while a station is evicted.
  let restartedWithEvicted = 0;
  const restarted = run(core({ idleMs: 2 * HOUR }), msgs, (p) => {
    if (p.keys!.stats.evicted === 0) return p;
    restartedWithEvicted++;
    const q = core({ idleMs: 2 * HOUR });
    q.restoreState(JSON.parse(JSON.stringify(p.captureState())));
    // Live bytes may differ: a restored shape store is sized to what it holds, not to its doubled capacity.
    const { live, evicted, evictedBytes } = p.keys!.stats;
    assert.deepEqual({ ...q.keys!.stats, liveBytes: 0 }, { live, evicted, evictedBytes, liveBytes: 0 });
    return q;
  });
  assert.ok(restartedWithEvicted >= 1);
  assert.deepEqual(restarted.scores, plain.scores);
  assert.deepEqual(restarted.windows, plain.windows);
});

test('an evicted station takes less memory than a live one, and eviction is by event time, not arrival', () => {
  const p = core({ idleMs: HOUR });
  p.process([message('old', START, { pressure: 5, flow: 100 }), message('new', START + 30 * MIN, { pressure: 5, flow: 100 })], NOW);
  assert.deepEqual([p.keys!.stats.live, p.keys!.stats.evicted], [2, 0]);
  p.process([message('new', START + 61 * MIN, { pressure: 5, flow: 100 })], NOW);
  const s = p.keys!.stats;
  assert.deepEqual([s.live, s.evicted], [1, 1]);
  assert.ok(p.keys!.isEvicted('old'));
  assert.ok(s.evictedBytes < s.liveBytes, `evicted ${s.evictedBytes} ≥ live ${s.liveBytes}`);
});

test('the windows flushed at the end of a bounded run include the evicted stations’ open windows', () => {
  const msgs = [message('a', START, { p: 1 }), message('b', START + 3 * HOUR, { p: 2 })];
  const rows = (p: SensorBatchProcessor) => {
    p.process(msgs, NOW);
    return p.flushWindows(NOW).map((w) => `${w.station} ${w.window_start} ${w.readings}`).sort();
  };
  const evicting = core({ idleMs: HOUR });
  assert.deepEqual(rows(evicting), rows(core()));
  assert.equal(evicting.keys!.stats.evicted, 0);
});

test('the snapshot text, built station by station, is the captured state as JSON', () => {
  const p = core({ idleMs: 2 * HOUR });
  const msgs = networkMessages();
  p.process(msgs.slice(0, 8000), NOW);
  assert.ok(p.keys!.stats.evicted >= 1);
  const { text, seqs } = p.captureStateText();
  assert.ok(text.length > 4);
  assert.equal(text.join(''), JSON.stringify(p.captureState()));
  assert.deepEqual(seqs, p.captureState().seqs);
});
