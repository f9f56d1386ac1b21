import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SEVERITY_BANDS } from '../../../contracts/index.ts';
import { createGasNetwork } from '../../../producers/src/sensor/gas-network.ts';
import { EVICTED_SHARE, KeyBudget, type KeyedState, type KeyLimits } from './key-budget.ts';
import { parseProcessorState } from './processor-state.ts';
import type { ReadingScorer } from '../domains/sensor/detectors/reading-scorer.ts';
import { SensorBatchProcessor } from '../domains/sensor/sensor-batch.ts';
import type { RawEvent } from './raw-event.ts';
import { createSensorDetector, SENSOR_NEW_KEY_BYTES } from '../domains/sensor/detectors/sensor-detector.ts';
import { TumblingWindows } from '../domains/sensor/tumbling-windows.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const START = Date.UTC(2024, 0, 8);
const NOW = START + 30 * 24 * HOUR;
const enc = new TextEncoder();

const LIMITS: KeyLimits = { maxKeys: 1000, budgetBytes: 1e12, idleMs: 0, forgetMs: 0, newKeyBytes: SENSOR_NEW_KEY_BYTES, configPath: 'processor.limits' };

function core(limits?: Partial<KeyLimits>, scorer: ReadingScorer = createSensorDetector()) {
  return new SensorBatchProcessor({
    runId: 'live',
    scorer,
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
    const r = q.keys!.stats;
    assert.deepEqual({ live: r.live, evicted: r.evicted, evictedBytes: r.evictedBytes }, { live, evicted, evictedBytes });
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

/** A detector that learns from a station's reading, then throws (a bug half-way through scoring). */
function failingAfterLearning(station: string): ReadingScorer & { inner: ReturnType<typeof createSensorDetector> } {
  const inner = createSensorDetector();
  return {
    inner,
    score(s, ts, channels) {
      const r = inner.score(s, ts, channels);
      if (s === station) throw new Error(`bug for ${station}`);
      return r;
    },
    snapshot: () => inner.snapshot(),
    restore: (snap) => inner.restore(snap),
    stationBytes: inner.stationBytes.bind(inner),
    evictStation: inner.evictStation.bind(inner),
    reviveStation: inner.reviveStation.bind(inner),
  };
}

test('a new station whose scoring throws leaves no trace in the budget: no slot, no bytes, no watermark, no detector state', () => {
  const scorer = failingAfterLearning('bad');
  const p = core({ maxKeys: 1, idleMs: HOUR }, scorer);
  const before = JSON.stringify(p.keys!.snapshot());
  const r = p.process([message('bad', START + 5 * HOUR, { pressure: 5 })], NOW);
  assert.deepEqual(r.deadLetters.map((d) => d.kind), ['processing_error']);
  assert.equal(JSON.stringify(p.keys!.snapshot()), before);
  assert.deepEqual([p.keys!.stats.live, p.keys!.stats.liveBytes], [0, 0]);
  assert.equal(scorer.inner.stationBytes('bad'), 0, 'the detector state it began was dropped');
  // The one slot is free for the next station.
  const next = p.process([message('good', START, { pressure: 5 })], NOW);
  assert.deepEqual(next.deadLetters, []);
  assert.deepEqual(next.rows.events.map((e) => e.station), ['good']);
});

test('a known station whose scoring throws stays known', () => {
  const p = core({ maxKeys: 1 }, failingAfterLearning('bad'));
  p.keys!.admit('bad', START);
  p.process([message('bad', START + MIN, { pressure: 5 })], NOW);
  assert.ok(p.keys!.isLive('bad'));
});

/** A fake domain: each key's live size is set by the test; its evicted state takes `evictedRatio` of it. */
function fakeState(evictedRatio = 1) {
  const size = new Map<string, number>();
  const revived: string[] = [];
  const dropped: string[] = [];
  const state: KeyedState = {
    bytesOf: (k) => size.get(k) ?? 0,
    evict(k) {
      const n = size.get(k) ?? 0;
      size.delete(k);
      dropped.push(k);
      return { n, pad: new Uint8Array(Math.round(n * evictedRatio)) };
    },
    revive(k, s) {
      size.set(k, (s as { n: number }).n);
      revived.push(k);
    },
  };
  return { size, revived, dropped, state };
}
const limits = (l: Partial<KeyLimits>): KeyLimits => ({ maxKeys: 100, budgetBytes: 1e9, idleMs: 0, forgetMs: 0, newKeyBytes: 10, configPath: 'processor.limits', ...l });

test('settle brings keys that grew back under stateBudgetBytes: least recently seen (event time) evicted first, lossless', () => {
  const f = fakeState(0.25);
  const b = new KeyBudget(limits({ budgetBytes: 10_000 }), f.state);
  // Arrival a, b, c; event time b < c < a.
  for (const [k, ts] of [['a', 3], ['b', 1], ['c', 2]] as const) {
    assert.ok(b.admit(k, ts).ok);
    f.size.set(k, 4_000);
  }
  b.settle();
  const s = b.stats;
  assert.ok(s.liveBytes + s.evictedBytes <= 10_000, `${s.liveBytes} + ${s.evictedBytes}`);
  assert.deepEqual(['a', 'b', 'c'].filter((k) => b.isEvicted(k)), ['b']);
  assert.equal(s.forgottenBudget, 0);
  // b comes back with its state.
  b.admit('b', 4);
  assert.deepEqual(f.revived, ['b']);
  assert.equal(f.size.get('b'), 4_000);
});

test('when evicted state passes its share of the budget, the least recently seen evicted keys are forgotten (counted) and start fresh', () => {
  const f = fakeState();
  const budget = 10_000;
  const b = new KeyBudget(limits({ budgetBytes: budget }), f.state);
  for (const [k, ts] of [['a', 1], ['b', 2], ['c', 3]] as const) {
    b.admit(k, ts);
    f.size.set(k, 4_500);
  }
  b.settle();
  const s = b.stats;
  assert.ok(s.liveBytes + s.evictedBytes <= budget);
  assert.ok(s.evictedBytes <= budget * EVICTED_SHARE);
  assert.ok(b.isLive('c'));
  assert.ok(b.isEvicted('b'));
  assert.ok(!b.isLive('a') && !b.isEvicted('a'), 'a, the oldest, was forgotten');
  assert.equal(s.forgottenBudget, 1);
  const again = b.admit('a', 5);
  assert.ok(again.ok && again.fresh.includes('a'), 'a returns as a new key');
  assert.ok(!f.revived.includes('a'));
});

test('the same keys, times and sizes evict and forget the same keys (deterministic)', () => {
  const run = () => {
    const f = fakeState();
    const b = new KeyBudget(limits({ budgetBytes: 20_000, idleMs: 50, forgetMs: 200 }), f.state);
    for (let i = 0; i < 300; i++) {
      const k = `k${(i * 7) % 23}`;
      b.admit(k, i * 3);
      f.size.set(k, (f.size.get(k) ?? 0) + 700);
      if (i % 10 === 9) b.settle();
    }
    return JSON.stringify([b.snapshot(), b.stats]);
  };
  assert.equal(run(), run());
});

test('growing stations are brought back under stateBudgetBytes at the end of each batch', () => {
  const budget = Math.round(3.5 * SENSOR_NEW_KEY_BYTES);
  const p = core({ budgetBytes: budget });
  const msgs: RawEvent[] = [];
  for (let t = 0; t < 12 * 60; t++) for (const s of ['a', 'b', 'c']) msgs.push(message(s, START + t * MIN, { pressure: 5 + Math.sin(t / 9), flow: 100 + (t % 7), temperature: 10 }));
  let evicted = 0;
  for (let i = 0; i < msgs.length; i += 300) {
    p.process(msgs.slice(i, i + 300), NOW);
    const s = p.keys!.stats;
    assert.ok(s.liveBytes + s.evictedBytes <= budget, `batch ${i / 300}: ${s.liveBytes} + ${s.evictedBytes} bytes > ${budget}`);
    evicted = Math.max(evicted, s.evicted);
  }
  assert.ok(evicted >= 1, 'stations were evicted to fit');
});

test('evicted keys are forgotten after forgetMs of event time, so new keys are admitted again; the refusal says what helps', () => {
  const f = fakeState();
  const b = new KeyBudget(limits({ maxKeys: 2, idleMs: 10, forgetMs: 100 }), f.state);
  b.admit('a', 0);
  b.admit('b', 0);
  b.admit('b', 20);
  b.settle();
  assert.ok(b.isEvicted('a'));
  const refused = b.admit('c', 30);
  assert.ok(!refused.ok);
  assert.match(refused.reason, /processor\.limits\.forgetEvictedMs/);
  assert.doesNotMatch(refused.reason, /idleEvictMs/);
  b.admit('b', 101);
  b.settle();
  assert.ok(!b.isEvicted('a'));
  assert.equal(b.stats.forgottenRetention, 1);
  assert.ok(b.admit('c', 102).ok);
});

test('an evicted key returning past forgetMs starts fresh whether or not a batch ended in between', () => {
  const f = fakeState();
  const b = new KeyBudget(limits({ idleMs: 10, forgetMs: 100 }), f.state);
  b.admit('a', 0);
  b.admit('b', 20);
  b.settle();
  assert.ok(b.isEvicted('a'));
  b.admit('b', 150); // no settle: the retention is judged at a's return
  const back = b.admit('a', 151);
  assert.ok(back.ok && back.fresh.includes('a'));
  assert.deepEqual(f.revived, []);
  assert.equal(b.stats.forgottenRetention, 1);
  // Within the retention it is revived.
  b.admit('b', 200);
  b.settle();
  b.settle();
  assert.ok(b.isEvicted('a'));
  assert.ok(b.admit('a', 240).ok);
  assert.deepEqual(f.revived, ['a']);
});

test('evicted keys keep their event time through a snapshot; a v2 snapshot (without it) is read, dated at its watermark', () => {
  const f = fakeState();
  const b = new KeyBudget(limits({ idleMs: 10, forgetMs: 100 }), f.state);
  b.admit('a', 0);
  b.admit('b', 20);
  b.settle();
  const snap = JSON.parse(JSON.stringify(b.snapshot()));
  assert.deepEqual(snap.evicted[0][2], 0);
  const c = new KeyBudget(b.limits, f.state);
  c.restore(snap);
  c.admit('b', 101);
  c.settle();
  assert.equal(c.stats.evicted, 0, 'forgotten after the restore as before it');
  const v2 = { ...snap, evicted: snap.evicted.map(([k, s]: [string, string]) => [k, s]) };
  const d = new KeyBudget(b.limits, f.state);
  d.restore(v2);
  d.admit('b', 101);
  d.settle();
  assert.equal(d.stats.evicted, 1, 'dated at the watermark (20): kept until 120');
  const state = { format: 'vigia.sensor-processor-state', version: 2, seqs: {}, detector: null, windows: null, keys: v2 };
  assert.equal(parseProcessorState(state).keys!.evicted.length, 1);
});

test('with forgetSweepMs, keys (live or evicted) are forgotten at sweep points of the watermark, told to KeyedState.forget, whatever the batch ends', () => {
  const run = (settleEvery: number) => {
    const live = new Map<string, number>();
    const forgotten: string[] = [];
    const state: KeyedState = {
      bytesOf: () => 100,
      evict: (k) => {
        const v = live.get(k);
        live.delete(k);
        return v;
      },
      revive: (k, v) => void live.set(k, v as number),
      forget: (k, v) => void forgotten.push(`${k}=${String(v)}`),
    };
    const b = new KeyBudget({ ...LIMITS, idleMs: HOUR, forgetMs: 3 * HOUR, forgetSweepMs: HOUR }, state);
    const seen: [string, number][] = [['q', 0.5], ['o', 1], ['o', 2], ['o', 3.2], ['o', 3.9], ['o', 4.1], ['o', 4.2]];
    const at: string[] = [];
    seen.forEach(([k, h], i) => {
      assert.ok(b.admit(k, START + h * HOUR).ok);
      if (!live.has(k)) live.set(k, i);
      at.push(forgotten.join());
      if ((i + 1) % settleEvery === 0) b.settle();
    });
    return at;
  };
  // q (last seen at 0.5 h) is forgotten at the sweep of hour 4 (cutoff 1 h), before the message
  // at 4.2 h (the watermark before it, 4.1 h, passed hour 4) — never at 3.9 h (cutoff 0 h).
  const expected = ['', '', '', '', '', '', 'q=0'];
  assert.deepEqual(run(1), expected, 'q evicted at a batch end, then forgotten');
  assert.deepEqual(run(100), expected, 'q still live (no batch ended): forgotten all the same');
});

test('with forgetSweepMs, a live key seen out of order or restored from a snapshot is still forgotten at the next sweep point past it', () => {
  const forgotten: string[] = [];
  const state: KeyedState = { bytesOf: () => 100, evict: () => undefined, revive: () => undefined, forget: (k) => void forgotten.push(k) };
  const limits = { ...LIMITS, idleMs: 0, forgetMs: 3 * HOUR, forgetSweepMs: HOUR };
  const b = new KeyBudget(limits, state);
  const admit = (budget: KeyBudget, k: string, h: number) => assert.ok(budget.admit(k, START + h * HOUR).ok);
  admit(b, 'a', 0.5);
  admit(b, 'b', 2);
  admit(b, 'c', 3.5);
  admit(b, 'd', 4.5); // sweep at 3 h (cutoff 0 h): nothing is due
  assert.deepEqual(forgotten, []);
  admit(b, 'late', 0.2); // sweep at 4 h (cutoff 1 h) forgets a; then a new key older than every live one
  assert.deepEqual(forgotten, ['a']);
  admit(b, 'e', 5.5); // hour 4 was swept already
  admit(b, 'f', 6.5); // sweep at 5 h (cutoff 2 h): late (0.2 h) is due, b (2 h) is not
  assert.deepEqual(forgotten, ['a', 'late']);
  assert.equal(b.isLive('b'), true);

  const restored = new KeyBudget(limits, state);
  restored.restore(b.snapshot());
  admit(restored, 'g', 7.5); // sweep at 6 h (cutoff 3 h): b (2 h) is due
  assert.deepEqual(forgotten, ['a', 'late', 'b']);
  assert.deepEqual(['c', 'd', 'e', 'f', 'g'].map((k) => restored.isLive(k)), [true, true, true, true, true]);
});
