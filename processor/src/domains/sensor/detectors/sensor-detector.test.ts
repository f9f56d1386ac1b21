import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnomalyDriver } from '../../../../../contracts/anomaly.ts';
import { createSensorDetector, SENSOR_DETECTOR_NAME, type SensorScore } from './sensor-detector.ts';
import { SensorDetectorSnapshotError } from './sensor-detector-snapshot.ts';
import { DetectorOptionsError } from '../../../core/component.ts';
import {
  DEMAND_NOISE,
  cloneRows,
  dailySeries,
  demandSeries,
  firstAtLeast,
  maxScore,
  runSeries,
  type ChannelSpec,
  type Row,
} from './test-series.ts';

const STATION: Record<string, ChannelSpec> = {
  pressure: { base: 50, amp: 5, noise: 0.3 },
  flow: { base: 100, amp: 30, phase: Math.PI, noise: 2 },
  temperature: { base: 15, amp: 4, phase: 1, noise: 0.2, decimals: 1 },
};
const station = (seed: number, days: number) => dailySeries({ seed, steps: Math.round(days * 1440), channels: STATION });
/** 10:00 on day 3: every component is warm. */
const T0 = 2 * 1440 + 600;

function checkShape(s: SensorScore): void {
  assert.equal(s.detector, SENSOR_DETECTOR_NAME);
  assert.ok(s.score >= 0 && s.score <= 100);
  assert.ok(s.drivers.length >= 1);
  for (const d of s.drivers) AnomalyDriver.parse(d);
  for (let i = 1; i < s.drivers.length; i++) {
    assert.ok(s.drivers[i - 1]!.score >= s.drivers[i]!.score, 'strongest first');
    assert.ok(s.drivers[i]!.score >= 50, 'only the top driver may score below 50');
  }
  assert.ok(Math.abs(s.drivers[0]!.score - s.score) < 1e-9, 'the top driver carries the station score');
}

test('a noisy daily sinusoid raises no score ≥ 70 over several days (false-alarm check)', () => {
  for (const seed of [1, 2, 3, 4]) {
    const scores = runSeries(createSensorDetector(), 'st-1', station(seed, 6));
    scores.forEach(checkShape);
    const { index, score } = maxScore(scores, 60);
    assert.ok(score < 70, `seed ${seed}: ${score.toFixed(1)} at reading ${index}: ${JSON.stringify(scores[index]!.drivers)}`);
  }
});

test('an injected spike scores ≥ 85 and names its channel', () => {
  const rows = cloneRows(station(5, 3));
  rows[T0]!.channels.pressure! += 12 * STATION.pressure!.noise;
  const scores = runSeries(createSensorDetector(), 'st-1', rows);
  const s = scores[T0]!;
  checkShape(s);
  assert.ok(s.score >= 85, `score ${s.score}`);
  assert.equal(s.drivers[0]!.feature, 'pressure');
  assert.equal(s.drivers[0]!.value, rows[T0]!.channels.pressure);
  assert.ok(Math.abs(s.drivers[0]!.expected! - (rows[T0]!.channels.pressure! - 3.6)) < 1);
  assert.match(s.drivers[0]!.reason, /above the recent level/);
  assert.ok(maxScore(scores, T0 + 1, T0 + 240).score < 70, 'no echo after the spike');
});

test('a stuck channel reaches ≥ 70 within 30 repeats', () => {
  const rows = cloneRows(station(6, 3));
  for (let i = T0 + 1; i < T0 + 120; i++) rows[i]!.channels.flow = rows[T0]!.channels.flow!;
  const scores = runSeries(createSensorDetector(), 'st-1', rows);
  const first = firstAtLeast(scores, 70, T0);
  assert.ok(first > T0 && first - T0 <= 30, `after ${first - T0} repeats`);
  assert.equal(scores[first]!.drivers[0]!.feature, 'flow');
  assert.match(scores[first]!.drivers[0]!.reason, /unchanged for \d+ readings/);
  assert.ok(scores.slice(first, T0 + 120).every((s) => s.score >= 70), 'stays flagged while stuck');
});

test('a slow drift of 4σ over 4 hours is flagged before it ends', () => {
  for (const seed of [7, 8]) {
    const rows = cloneRows(station(seed, 4));
    const len = 240;
    for (let i = T0; i < rows.length; i++) rows[i]!.channels.pressure! += 4 * STATION.pressure!.noise * Math.min(1, (i - T0) / len);
    const scores = runSeries(createSensorDetector(), 'st-1', rows);
    const first = firstAtLeast(scores, 70, T0);
    assert.ok(first > T0 && first < T0 + len, `seed ${seed}: flagged ${first - T0} min after the drift began`);
    assert.equal(scores[first]!.drivers[0]!.feature, 'pressure');
    assert.match(scores[first]!.drivers[0]!.reason, /above the usual/);
  }
});

test('a drift hidden in demand swings is caught through the pressure~flow relation', () => {
  for (const seed of [4, 5]) {
    const rows = cloneRows(demandSeries({ seed, steps: 4 * 1440 }));
    const start = 2 * 1440 + 600;
    const len = 240;
    for (let i = start; i < start + len; i++) rows[i]!.channels.pressure! -= (5 * DEMAND_NOISE.pressure * (i - start)) / len;
    const scores = runSeries(createSensorDetector(), 'st-1', rows);
    const first = firstAtLeast(scores, 70, start);
    assert.ok(first > start && first < start + len, `seed ${seed}: flagged ${first - start} min after the drift began`);
    assert.equal(scores[first]!.drivers[0]!.feature, 'pressure~flow');
    assert.equal(scores[first]!.drivers[0]!.value, rows[first]!.channels.pressure);
    assert.match(scores[first]!.drivers[0]!.reason, /pressure [\d.]+ persistently below the [\d.]+ that flow [\d.]+ implies/);
    // Alone, neither channel's own components see it: the demand swings dwarf 5σ.
    const alone = runSeries(createSensorDetector(), 'st-1', rows.map((r) => ({ ts: r.ts, channels: { pressure: r.channels.pressure! } })));
    assert.ok(maxScore(alone, start, start + len).score < 70);
  }
});

test('a leak (pressure −10 %, flow +30 %) scores higher jointly than each channel alone', () => {
  const spec: Record<string, ChannelSpec> = {
    pressure: { base: 50, amp: 5, noise: 2.5 },
    flow: { base: 100, amp: 30, phase: Math.PI, noise: 12 },
  };
  for (const seed of [11, 12, 13]) {
    const clean = dailySeries({ seed, steps: 3 * 1440 + 300, channels: spec });
    const t0 = 3 * 1440;
    const run = (dp: number, df: number) => {
      const rows = cloneRows(clean);
      for (let i = t0; i < rows.length; i++) {
        const ramp = Math.min(1, (i - t0) / 60);
        rows[i]!.channels.pressure! *= 1 + dp * ramp;
        rows[i]!.channels.flow! *= 1 + df * ramp;
      }
      return runSeries(createSensorDetector(), 'st-1', rows);
    };
    const both = run(-0.1, 0.3);
    const pressureOnly = run(-0.1, 0);
    const flowOnly = run(0, 0.3);
    const tb = firstAtLeast(both, 70, t0);
    const tp = firstAtLeast(pressureOnly, 70, t0);
    const tf = firstAtLeast(flowOnly, 70, t0);
    assert.ok(tb > t0 && tb < tp && tb < tf, `seed ${seed}: first ≥ 70 after ${tb - t0} min jointly, ${tp - t0} / ${tf - t0} alone`);
    assert.ok(both[tb]!.score > pressureOnly[tb]!.score && both[tb]!.score > flowOnly[tb]!.score);
    assert.equal(both[tb]!.drivers[0]!.feature, 'pressure+flow');
    assert.match(both[tb]!.drivers[0]!.reason, /pressure −[\d.]+σ|flow \+[\d.]+σ/);
    const mean = (s: SensorScore[]) => s.slice(t0, t0 + 60).reduce((a, x) => a + x.score, 0) / 60;
    assert.ok(mean(both) > Math.max(mean(pressureOnly), mean(flowOnly)), 'higher over the whole onset');
  }
});

test('snapshot → JSON → restore gives identical subsequent scores', () => {
  const rows = cloneRows(station(21, 4));
  for (let i = 3 * 1440; i < 3 * 1440 + 40; i++) rows[i]!.channels.flow = rows[3 * 1440]!.channels.flow!;
  rows[3 * 1440 + 100]!.channels.temperature! -= 5;
  const cut = Math.floor(2.6 * 1440);
  const a = createSensorDetector();
  for (let i = 0; i < cut; i++) a.score('st-1', rows[i]!.ts, rows[i]!.channels);
  a.score('st-2', rows[0]!.ts, { level: 1 });
  const json = JSON.stringify(a.snapshot());
  const b = createSensorDetector();
  b.score('leftover', 0, { x: 1 });
  b.restore(JSON.parse(json));
  assert.equal(b.stationCount, 2);
  assert.equal(JSON.stringify(b.snapshot()), json, 'restored state serialises identically');
  for (let i = cut; i < rows.length; i++) {
    assert.deepEqual(b.score('st-1', rows[i]!.ts, rows[i]!.channels), a.score('st-1', rows[i]!.ts, rows[i]!.channels));
  }
  const snap = a.snapshot();
  assert.equal(snap.format, 'vigia.sensor-detector-state');
  assert.equal(snap.version, 7);
});

test('restore refuses foreign, newer or mismatched snapshots', () => {
  const a = createSensorDetector();
  for (const r of station(22, 0.1)) a.score('st-1', r.ts, r.channels);
  const snap = a.snapshot();
  const det = createSensorDetector();
  assert.throws(() => det.restore({ hello: 1 }), SensorDetectorSnapshotError);
  assert.throws(() => det.restore({ ...snap, version: 8 }), /version 8 is not supported/);
  assert.throws(() => createSensorDetector({ levelShift: { bins: 24 } }).restore(snap), /bins=48.*bins=24/);
  const broken = JSON.parse(JSON.stringify(snap));
  broken.stations[0].channels[0].ewma.level = 'x';
  assert.throws(() => det.restore(broken), /stations\.0\.channels\.0\.ewma\.level/);
  assert.equal(det.stationCount, 0, 'a failed restore leaves the state untouched');
});

test('causal: scores of a prefix do not change when later rows (and faults) are appended', () => {
  const long = cloneRows(station(31, 3));
  const n = Math.floor(2.2 * 1440);
  for (let i = n; i < n + 50; i++) long[i]!.channels.pressure! -= 10;
  const short = createSensorDetector();
  const prefix = long.slice(0, n).map((r) => short.score('st-1', r.ts, r.channels));
  const full = runSeries(createSensorDetector(), 'st-1', long);
  assert.deepEqual(full.slice(0, n), prefix);
  assert.ok(maxScore(full, n, n + 50).score >= 85, 'the appended fault is seen');
});

test('deterministic, with stations independent of each other and channels appearing later', () => {
  const a = station(41, 2.2);
  const b = dailySeries({ seed: 42, steps: a.length, channels: { level: { base: 3, amp: 1, noise: 0.05 } } });
  // Station A reports only pressure for its first day; flow and temperature join later.
  const aRows: Row[] = a.map((r, i) => (i < 1440 ? { ts: r.ts, channels: { pressure: r.channels.pressure! } } : r));
  const interleaved = (det: ReturnType<typeof createSensorDetector>) => {
    const outA: SensorScore[] = [];
    const outB: SensorScore[] = [];
    for (let i = 0; i < a.length; i++) {
      outA.push(det.score('A', aRows[i]!.ts, aRows[i]!.channels));
      outB.push(det.score('B', b[i]!.ts, b[i]!.channels));
    }
    return { outA, outB };
  };
  const one = interleaved(createSensorDetector());
  const two = interleaved(createSensorDetector());
  assert.deepEqual(one, two, 'same inputs, same outputs');
  assert.deepEqual(runSeries(createSensorDetector(), 'A', aRows), one.outA, 'other stations do not interfere');
  one.outA.forEach(checkShape);
  assert.ok(maxScore(one.outA, 60).score < 70);
  assert.ok(one.outA[1440]!.drivers.length >= 1);
});

test('a reading with no finite channel scores 0 without touching state', () => {
  const det = createSensorDetector();
  assert.deepEqual(det.score('st-1', 0, { pressure: Number.NaN }), { score: 0, detector: SENSOR_DETECTOR_NAME, drivers: [] });
});

test('invalid options fail at construction', () => {
  assert.throws(() => createSensorDetector({ levelShift: { bins: 1 } }), DetectorOptionsError);
  assert.throws(() => createSensorDetector({ flatline: { pFloor: 0 } }), /flatline option pFloor/);
});

test('a changed rhythm that moves no reading off its level is announced once, by the onset', () => {
  // A 5-minute daily square wave with small noise, then the daily jump stops happening: the level
  // stays at the day's low, which every ordinary night also shows, so no point component alarms.
  const run = (shapeAlone: number): { before: number; after: string[] } => {
    // Period residual off: it flags every day of the missing jump again (period-residual.test.ts).
    const det = createSensorDetector({ onset: { shapeAlone }, period: { periodsDays: [] } });
    let s = 99;
    const rnd = (): number => ((s = (s * 1103515245 + 12345) % 2147483648), s / 2147483648 - 0.5);
    const high = (i: number): boolean => i % 288 >= 120 && i % 288 < 200;
    let before = 0;
    const after: string[] = [];
    for (let i = 0; i < 288 * 14; i++) {
      const broken = i >= 288 * 11;
      const out = det.score('s', i * 300_000, { value: (!broken && high(i) ? 80 : 20) + rnd() });
      if (out.score < 90) continue;
      if (broken) after.push(out.drivers[0]!.reason);
      else if (/new behaviour/.test(out.drivers[0]!.reason)) before++;
    }
    return { before, after };
  };
  const on = run(1.5);
  assert.equal(on.before, 0, 'ordinary days set no shape-alone onset');
  assert.equal(on.after.length, 1, 'the missing jump is announced once');
  assert.match(on.after[0]!, /new behaviour/);
  assert.equal(run(0).after.length, 0, 'without shape-alone onsets nothing is announced');
});
