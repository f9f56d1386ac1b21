// Snapshot version 6 (onset windows as block means + centre/scale, large arrays as base64) must
// keep reading version 5 (every onset window normalised, number lists), and version 7 (the point
// component's last reading time and interval) both: a processor upgraded over a stored snapshot
// continues with the scores it would have had.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSensorDetector } from './sensor-detector.ts';
import { SENSOR_SNAPSHOT_VERSION } from './sensor-detector-snapshot.ts';
import { decodeF64 } from './f64-base64.ts';
import { DEFAULT_ONSET_NOVELTY, OnsetNovelty, resolveOnsetNoveltyOptions, type OnsetNoveltyState } from './onset-novelty.ts';
import { cloneRows, dailySeries, type ChannelSpec } from './test-series.ts';

const STATION: Record<string, ChannelSpec> = {
  pressure: { base: 50, amp: 5, noise: 0.3 },
  flow: { base: 100, amp: 30, phase: Math.PI, noise: 2 },
  temperature: { base: 15, amp: 4, phase: 1, noise: 0.2, decimals: 1 },
};

type Json = Record<string, unknown>;

/**
 * The held windows of a version-6 scale, normalised as version 5 stored them, oldest first: the
 * centre and spread replayed from the oldest window's (the update's recurrence), block by block.
 */
function normalisedWindows(x: Json, w: number): number[] {
  const vals = decodeF64(x.vals as string, 'vals');
  let [k, c, sp] = x.old as [number, number, number];
  const out: number[] = [];
  const held = Math.max(0, vals.length - (w - 1));
  for (let n = 0; n < held; n++) {
    const s = Math.max(1.25 * sp, 1e-12, 1e-9 * Math.abs(c));
    for (let j = 0; j < w; j++) out.push((vals[n + j]! - c) / s);
    if (n + w >= vals.length) break;
    k++;
    const b = Math.max(0.002, 1 / k);
    const dev = vals[n + w]! - c;
    c += b * dev;
    sp += b * ((dev < 0 ? -dev : dev) - sp);
  }
  return out;
}

/**
 * The version-5 form of a version-6 snapshot, as a version-5 detector would have written it for
 * the same state: each held window normalised, (block mean − centre) / scale (the very doubles
 * v5 stored), in a ring of `memory` windows; period means as a number list (zeros when none).
 */
function toV5(snap: Json, M = DEFAULT_ONSET_NOVELTY.memory): Json {
  const w = DEFAULT_ONSET_NOVELTY.width;
  const v5 = structuredClone(snap) as { version: number; stations: { channels: { onset: { scales: Json[] }; period: Json }[] }[] };
  v5.version = 5;
  for (const st of v5.stations) {
    for (const ch of st.channels as never as { onset: { scales: Json[] }; period: Json; ewma?: Json }[]) {
      // Version 5 had no point-component interval (version 7).
      delete ch.ewma?.lastTs;
      delete ch.ewma?.step;
      ch.period.means = ch.period.means === '' ? new Array(3 * 168 + 1).fill(0) : Array.from(decodeF64(ch.period.means as string, 'means'));
      ch.onset.scales = ch.onset.scales.map((x) => {
        assert.equal(x.legacy, '', 'a fresh run has no legacy windows');
        const store = normalisedWindows(x, w);
        const windows = store.length / w;
        const { vals: _v, old: _o, legacy: _l, ...rest } = x;
        return { ...rest, store, head: windows % M, stored: windows };
      });
    }
  }
  return v5 as unknown as Json;
}

for (const memory of [DEFAULT_ONSET_NOVELTY.memory, 100]) test(`a version-5 snapshot is read: scores after it are those of the uninterrupted run, and it is rewritten as version 6 (onset memory ${memory})`, () => {
  // 4 days a minute apart: the stride-4 shape scale sees 1 260 windows by the cut, so its ring
  // has wrapped, and the legacy windows leave one by one after it (all of them with memory 100).
  const rows = cloneRows(dailySeries({ seed: 21, steps: 4 * 1440, channels: STATION }));
  for (let i = 3.6 * 1440; i < 3.6 * 1440 + 40; i++) rows[i]!.channels.flow = rows[3.6 * 1440]!.channels.flow!;
  rows[3.8 * 1440]!.channels.temperature! -= 5;
  const cut = Math.floor(3.5 * 1440);
  const opts = { onset: { memory } };
  const a = createSensorDetector(opts);
  for (let i = 0; i < cut; i++) a.score('st-1', rows[i]!.ts, rows[i]!.channels);
  a.score('st-2', rows[0]!.ts, { level: 1 });
  const v6 = JSON.parse(JSON.stringify(a.snapshot())) as Json;
  assert.equal(v6.version, SENSOR_SNAPSHOT_VERSION);
  const v5 = toV5(v6, memory);
  const b = createSensorDetector(opts);
  b.restore(JSON.parse(JSON.stringify(v5)));
  // Half way, through a version-6 snapshot of the restored state (legacy windows and all).
  const mid = cut + 200;
  const c = createSensorDetector(opts);
  for (let i = cut; i < rows.length; i++) {
    if (i === mid) c.restore(JSON.parse(JSON.stringify(b.snapshot())));
    const want = a.score('st-1', rows[i]!.ts, rows[i]!.channels);
    assert.deepEqual(b.score('st-1', rows[i]!.ts, rows[i]!.channels), want, `reading ${i} after a v5 restore`);
    if (i >= mid) assert.deepEqual(c.score('st-1', rows[i]!.ts, rows[i]!.channels), want, `reading ${i} after v5 → v6 → restore`);
  }
  const again = b.snapshot();
  assert.equal(again.version, SENSOR_SNAPSHOT_VERSION);
  // Every number of the state, shape records and held windows included, is the uninterrupted run's.
  assert.deepEqual(canonical(again as unknown as Json), canonical(a.snapshot() as unknown as Json));
  assert.deepEqual(canonical(c.snapshot() as unknown as Json), canonical(a.snapshot() as unknown as Json));
  // The stride-4 scale has stored 180 windows since the cut: as many legacy ones have left its ring.
  const s4 = again.stations[0]!.channels[0]!.onset.scales[0] as unknown as Json;
  const windows = normalisedWindows(s4, DEFAULT_ONSET_NOVELTY.width).length / DEFAULT_ONSET_NOVELTY.width;
  const legacy = s4.legacy === '' ? 0 : decodeF64(s4.legacy as string, 'legacy').length / DEFAULT_ONSET_NOVELTY.width;
  assert.equal(windows, Math.min(memory, 180));
  assert.equal(legacy, Math.max(0, memory - 180));
});

/**
 * A version-6 snapshot with each scale's held windows spelled out normalised, oldest first
 * (legacy ones first): equal for two detectors exactly when their states are, whatever their layout.
 */
function canonical(snap: Json): Json {
  const w = DEFAULT_ONSET_NOVELTY.width;
  const out = structuredClone(snap) as { stations: { channels: { onset: { scales: Json[] }; ewma?: Json }[] }[] };
  for (const st of out.stations) {
    for (const ch of st.channels) {
      // An older snapshot cannot carry the interval (version 7): a channel relearns it from its next
      // reading, so one without readings since (st-2) lacks it; scores are compared reading by reading.
      delete ch.ewma?.lastTs;
      delete ch.ewma?.step;
      ch.onset.scales = ch.onset.scales.map((x) => {
        const windows = x.legacy === '' ? [] : Array.from(decodeF64(x.legacy as string, 'legacy'));
        windows.push(...normalisedWindows(x, w));
        const { vals: _v, old: _o, legacy: _l, ...rest } = x;
        return { ...rest, windows };
      });
    }
  }
  return out as unknown as Json;
}

test('version 6 is smaller than version 5 for the same state', () => {
  const rows = dailySeries({ seed: 5, steps: 2 * 1440, channels: STATION });
  const a = createSensorDetector();
  for (const r of rows) a.score('st-1', r.ts, r.channels);
  const v6 = JSON.stringify(a.snapshot());
  const v5 = JSON.stringify(toV5(JSON.parse(v6) as Json));
  assert.ok(v6.length * 2 < v5.length, `v6 ${v6.length} chars against v5 ${v5.length}`);
});

test('an onset restored from version 5 measures every shape distance as the uninterrupted one does', () => {
  // rawRatio carries the shape record ratio of every completed block, so a window searched that
  // should not be (or missed) shows here even where no score moves.
  const opts = resolveOnsetNoveltyOptions({ strides: [4, 16], memory: 100, warmup: 50 });
  const M = opts.memory;
  const values = dailySeries({ seed: 9, steps: 3000, channels: { x: { base: 10, amp: 3, noise: 0.4 } } }).map((r) => r.channels.x!);
  const a = new OnsetNovelty(opts);
  const cut = 2111;
  for (let i = 0; i < cut; i++) a.update(values[i]!, 0, 0);
  const snap = JSON.parse(JSON.stringify(a.snapshot())) as OnsetNoveltyState;
  const v5 = toV5({ version: 6, stations: [{ channels: [{ onset: snap, period: { means: '' } }] }] }, M) as { stations: { channels: { onset: OnsetNoveltyState }[] }[] };
  const b = new OnsetNovelty(opts);
  b.restore(v5.stations[0]!.channels[0]!.onset);
  let shapes = 0;
  for (let i = cut; i < values.length; i++) {
    a.update(values[i]!, 0, 0);
    b.update(values[i]!, 0, 0);
    assert.equal(b.rawRatio, a.rawRatio, `reading ${i}`);
    if (a.rawRatio > 0) shapes++;
  }
  assert.ok(shapes > 100, 'shape ratios were compared');
});

test('a version-6 snapshot (no point-component interval) is read: scores after it are those of the uninterrupted run', () => {
  const rows = cloneRows(dailySeries({ seed: 22, steps: 3 * 1440, channels: STATION }));
  rows[Math.floor(2.7 * 1440)]!.channels.pressure! += 8;
  const cut = 2 * 1440;
  const a = createSensorDetector();
  for (let i = 0; i < cut; i++) a.score('st-1', rows[i]!.ts, rows[i]!.channels);
  const v6 = JSON.parse(JSON.stringify(a.snapshot())) as { version: number; stations: { channels: { ewma: Json }[] }[] };
  v6.version = 6;
  for (const st of v6.stations) for (const ch of st.channels) {
    delete ch.ewma.lastTs;
    delete ch.ewma.step;
  }
  const b = createSensorDetector();
  b.restore(v6);
  let alarms = 0;
  for (let i = cut; i < rows.length; i++) {
    const want = a.score('st-1', rows[i]!.ts, rows[i]!.channels);
    assert.deepEqual(b.score('st-1', rows[i]!.ts, rows[i]!.channels), want, `reading ${i} after a v6 restore`);
    if (want.score >= 70) alarms++;
  }
  assert.ok(alarms > 0, 'the injected spike alarms, so the comparison covers an alarm');
});
