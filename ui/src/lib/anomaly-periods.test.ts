import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Severity } from '../../../contracts/index.ts';
import { driverChannels, findAnomalyPeriods, worseSeverity, type PeriodPoint } from './anomaly-periods.ts';

const STEP = 60_000;
const T0 = Date.UTC(2026, 2, 2);

/** Points one minute apart from a compact spec: `.` normal, `m`/`M`/`C` minor/major/critical. */
function points(spec: string, scores: number[] = [], features: string[] = []): PeriodPoint[] {
  const sev: Record<string, Severity | null> = { '.': null, m: 'minor', M: 'major', C: 'critical' };
  return [...spec].map((c, i) => ({ ts: T0 + i * STEP, score: scores[i] ?? (sev[c] ? 80 : 10), severity: sev[c]!, topFeature: features[i] ?? 'pressure' }));
}

describe('findAnomalyPeriods', () => {
  it('finds each run of consecutive anomalous readings with its indexes and times', () => {
    const periods = findAnomalyPeriods(points('..mM..C.'));
    assert.deepEqual(
      periods.map((p) => [p.startIndex, p.endIndex, p.readings, p.startTs - T0, p.endTs - T0]),
      [
        [2, 3, 2, 2 * STEP, 3 * STEP],
        [6, 6, 1, 6 * STEP, 6 * STEP],
      ],
    );
  });

  it('colours a run by its worst severity', () => {
    assert.deepEqual(
      findAnomalyPeriods(points('mMm.mCM.m')).map((p) => p.severity),
      ['major', 'critical', 'minor'],
    );
  });

  it('names as driver the top feature of the highest-scoring reading', () => {
    const [p] = findAnomalyPeriods(points('.mmm.', [0, 72, 97, 88, 0], ['', 'flow', 'pressure~flow', 'temperature', '']));
    assert.equal(p!.driver, 'pressure~flow');
    assert.equal(p!.peakScore, 97);
    assert.equal(p!.peakTs, T0 + 2 * STEP);
  });

  it('shades halfway to the neighbouring readings, so a single reading still has a width', () => {
    const [p] = findAnomalyPeriods(points('..m..'));
    assert.equal(p!.fromTs, T0 + 1.5 * STEP);
    assert.equal(p!.toTs, T0 + 2.5 * STEP);
  });

  it('mirrors the gap at either end of the data', () => {
    const [a, b] = findAnomalyPeriods(points('m..m'));
    assert.equal(a!.fromTs, T0 - 0.5 * STEP);
    assert.equal(b!.toTs, T0 + 3.5 * STEP);
    const [only] = findAnomalyPeriods(points('m'));
    assert.equal(only!.fromTs, only!.toTs, 'one lone reading: no gap to go by');
  });

  it('returns nothing for no anomalies and closes a run at the end of the data', () => {
    assert.deepEqual(findAnomalyPeriods(points('....')), []);
    assert.deepEqual(findAnomalyPeriods([]), []);
    assert.equal(findAnomalyPeriods(points('..MM'))[0]!.endIndex, 3);
  });
});

describe('worseSeverity', () => {
  it('orders minor < major < critical', () => {
    assert.equal(worseSeverity('minor', 'major'), 'major');
    assert.equal(worseSeverity('critical', 'major'), 'critical');
    assert.equal(worseSeverity('minor', 'minor'), 'minor');
  });
});

describe('driverChannels', () => {
  const channels = ['pressure', 'flow', 'temperature'];
  it('maps a channel, a relation and a joint deviation to channels', () => {
    assert.deepEqual(driverChannels('flow', channels), ['flow']);
    assert.deepEqual(driverChannels('pressure~flow', channels), ['pressure', 'flow']);
    assert.deepEqual(driverChannels('temperature+pressure', channels), ['pressure', 'temperature']);
  });
  it('names no channel for other features or none', () => {
    assert.deepEqual(driverChannels('hour_of_day', channels), []);
    assert.deepEqual(driverChannels('', channels), []);
  });
});
