import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Anomaly } from '../../../../contracts/index.ts';
import { findAnomalyPeriods } from '../../lib/anomaly-periods.ts';
import { latestAnomalyInfo } from './station-summary.ts';

const T0 = Date.UTC(2026, 2, 2);

function anomaly(ts: number, over: Partial<Anomaly> = {}): Anomaly {
  return {
    id: `live:st-001@${ts}`,
    runId: 'live',
    domain: 'sensor',
    entity: 'st-001',
    eventId: `st-001@${ts}`,
    ts,
    score: 91,
    severity: 'major',
    detector: 'online@1',
    drivers: [{ feature: 'pressure', score: 91, value: 5.123, expected: 3.4, reason: 'pressure far above its recent level' }],
    values: { pressure: 5.123 },
    emittedAt: ts + 5,
    ...over,
  };
}

const periods = findAnomalyPeriods([
  { ts: T0, score: 10, severity: null, topFeature: '' },
  { ts: T0 + 60_000, score: 96, severity: 'critical', topFeature: 'flow' },
  { ts: T0 + 120_000, score: 75, severity: 'minor', topFeature: 'pressure' },
]);

describe('latestAnomalyInfo', () => {
  it('uses the reported anomaly, with its reason and values, when it is in the latest period or newer', () => {
    assert.deepEqual(latestAnomalyInfo(anomaly(T0 + 120_000), periods), {
      ts: T0 + 120_000,
      severity: 'major',
      score: 91,
      driver: 'pressure',
      reason: 'pressure far above its recent level',
      detail: '5.12 bar, expected 3.40 bar',
    });
  });

  it('falls back to the latest period (driver without a reason) when the anomaly known is older', () => {
    assert.deepEqual(latestAnomalyInfo(anomaly(T0 - 86_400_000), periods), {
      ts: T0 + 60_000,
      severity: 'critical',
      score: 96,
      driver: 'flow',
      reason: null,
      detail: '',
    });
    assert.equal(latestAnomalyInfo(null, periods)?.driver, 'flow');
  });

  it('is null with neither, and copes with an anomaly without drivers', () => {
    assert.equal(latestAnomalyInfo(null, []), null);
    const bare = latestAnomalyInfo(anomaly(T0, { drivers: [] }), []);
    assert.equal(bare?.driver, '');
    assert.equal(bare?.reason, null);
  });
});
